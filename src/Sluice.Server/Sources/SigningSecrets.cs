using Microsoft.AspNetCore.DataProtection;
using Sluice.Core.Integrations;
using Sluice.Storage;

namespace Sluice.Server.Sources;

/// <summary>
/// A branded integration's <c>signing_secret</c>: checked when set, stored encrypted (Data Protection keys in
/// <c>&lt;data-dir&gt;/keys</c>; it must be used to check each request, so it cannot be hashed), never shown again. Setting a
/// new one keeps the one before it valid for <see cref="RotationOverlap"/>, so the provider can be switched over meanwhile.
/// </summary>
public sealed class SigningSecrets(IDataProtectionProvider provider)
{
    /// <summary>How long the previous secret is still accepted after a new one is set.</summary>
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    public const int MaxLength = 1000;

    private readonly IDataProtector _protector = provider.CreateProtector("Sluice.Sources.SigningSecret.v1");

    /// <summary>Null when <paramref name="secret"/> can be <paramref name="integration"/>'s secret, else why not.</summary>
    public static string? Validate(Integration integration, string secret)
    {
        ArgumentNullException.ThrowIfNull(integration);
        ArgumentNullException.ThrowIfNull(secret);
        if (!integration.HasSigningSecret)
        {
            return $"signing_secret: {integration.DisplayName} does not sign its requests, so {integration.SourceType} sources have no signing secret.";
        }

        if (string.IsNullOrWhiteSpace(secret))
        {
            return "signing_secret is empty; paste the secret the provider shows, or leave the property out.";
        }

        if (secret.Length > MaxLength)
        {
            return $"signing_secret is {secret.Length} characters long; at most {MaxLength} are allowed.";
        }

        switch (integration.Signature?.Kind)
        {
            case SignatureKind.Ecdsa:
                try
                {
                    using var key = System.Security.Cryptography.ECDsa.Create();
                    key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(secret.Trim()), out _);
                }
                catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
                {
                    return $"signing_secret must be {integration.DisplayName}'s verification key: the base64 public key it shows ({integration.Signature.SecretHelp}).";
                }

                break;
            case SignatureKind.StandardWebhooks:
                var body = secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret;
                if (!Convert.TryFromBase64String(body, new byte[body.Length], out _))
                {
                    return "signing_secret must be a Standard Webhooks secret: whsec_ followed by base64.";
                }

                break;
            case SignatureKind.BasicAuth when !secret.Contains(':', StringComparison.Ordinal):
                return "signing_secret must be user:password, the HTTP Basic credentials set in the provider.";
        }

        return null;
    }

    /// <summary>Stores <paramref name="secret"/> as the source's secret; the current one stays valid for the overlap.</summary>
    public void Set(Source source, string secret, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.SigningSecret is not null)
        {
            source.PreviousSigningSecret = source.SigningSecret;
            source.PreviousSigningSecretUntil = now + RotationOverlap;
        }

        source.SigningSecret = _protector.Protect(secret);
    }

    /// <summary>Removes the secret (and the previous one): requests are no longer checked.</summary>
    public static void Clear(Source source)
    {
        ArgumentNullException.ThrowIfNull(source);
        source.SigningSecret = null;
        source.PreviousSigningSecret = null;
        source.PreviousSigningSecretUntil = null;
    }

    /// <summary>The secret as the provider has it, for checking requests; never shown.</summary>
    public string Reveal(string stored) => _protector.Unprotect(stored);
}
