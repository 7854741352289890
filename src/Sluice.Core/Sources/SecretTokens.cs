using System.Security.Cryptography;
using System.Text;

namespace Sluice.Core.Sources;

/// <summary>
/// Secrets shown once and stored only as SHA-256: webhook tokens (64 lowercase hex, 256 random bits) and API
/// tokens (<c>ac_</c> + 48 lowercase hex, 192 random bits). Comparisons are constant-time.
/// </summary>
public static class SecretTokens
{
    public const string ApiTokenPrefix = "ac_";
    public const int WebhookTokenLength = 64;
    public const int HintLength = 4;
    private const int ApiTokenRandomBytes = 24;

    public static string NewWebhookToken() => RandomHex(WebhookTokenLength / 2);

    public static string NewApiToken() => ApiTokenPrefix + RandomHex(ApiTokenRandomBytes);

    /// <summary>The last characters of a token: enough to tell tokens apart in a list, useless to an attacker.</summary>
    public static string Hint(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.Length <= HintLength ? token : token[^HintLength..];
    }

    /// <summary>Lowercase hex SHA-256 of the token's UTF-8 bytes: what the control plane stores.</summary>
    public static string Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    /// <summary>Whether <paramref name="token"/> hashes to <paramref name="storedHash"/>, in time independent of where they differ.</summary>
    public static bool Matches(string token, string storedHash)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(storedHash);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(token)), Encoding.ASCII.GetBytes(storedHash));
    }

    /// <summary>64 lowercase hex characters: the only shape a webhook token can have.</summary>
    public static bool IsWebhookTokenShape(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length != WebhookTokenLength)
        {
            return false;
        }

        foreach (var c in token)
        {
            if (!(c is >= '0' and <= '9' || c is >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>ac_</c> followed by at least 40 characters of letters and digits.</summary>
    public static bool IsApiTokenShape(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!token.StartsWith(ApiTokenPrefix, StringComparison.Ordinal) || token.Length < ApiTokenPrefix.Length + 40 || token.Length > 200)
        {
            return false;
        }

        foreach (var c in token.AsSpan(ApiTokenPrefix.Length))
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
