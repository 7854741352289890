namespace Sluice.Core.Integrations;

/// <summary>The recipes providers sign webhook requests with; <see cref="WebhookSignatures"/> checks each.</summary>
public enum SignatureKind
{
    /// <summary>An HMAC of the raw body in <see cref="SignatureRule.Header"/> (GitHub, Shopify, Linear, Sentry, Intercom, Typeform, ...).</summary>
    BodyHmac,

    /// <summary>An HMAC of a message built from a timestamp header and the body (Slack, Zoom, Customer.io, Zendesk).</summary>
    TimestampedHmac,

    /// <summary><c>t=&lt;unix&gt;,v1=&lt;hex&gt;</c> over <c>t.body</c> (Stripe, Calendly).</summary>
    StripeLike,

    /// <summary>Standard Webhooks: <c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature: v1,&lt;base64&gt;</c>; secret <c>whsec_...</c>.</summary>
    StandardWebhooks,

    /// <summary>Base64 HMAC-SHA1 of the full URL followed by the form's fields sorted by name, name then value (Twilio, Mandrill).</summary>
    UrlAndForm,

    /// <summary>Mailgun: HMAC-SHA256 hex of <c>timestamp</c> + <c>token</c>, in the body's <c>signature</c> object or the form.</summary>
    Mailgun,

    /// <summary>SendGrid's signed event webhook: ECDSA P-256 / SHA-256 over timestamp + body; the secret is the public key.</summary>
    Ecdsa,

    /// <summary>HubSpot v3: base64 HMAC-SHA256 of method + URL + body + timestamp (milliseconds).</summary>
    HubSpotV3,

    /// <summary>The header carries the secret itself (GitLab's <c>X-Gitlab-Token</c>).</summary>
    SharedToken,

    /// <summary>HTTP Basic credentials set in the provider (Postmark, SparkPost, Mailjet); the secret is <c>user:password</c>.</summary>
    BasicAuth,
}

public enum SignatureAlgorithm
{
    Sha256,
    Sha1,
}

public enum SignatureEncoding
{
    Hex,
    Base64,
}

/// <summary>
/// How one provider signs its requests.
/// </summary>
/// <param name="Kind">The recipe.</param>
/// <param name="Header">The header holding the signature (or the token, or <c>Authorization</c>).</param>
/// <param name="SecretLabel">What the provider calls the secret, for the setup page (e.g. "Webhook secret", "Signing secret").</param>
public sealed record SignatureRule(SignatureKind Kind, string Header, string SecretLabel)
{
    public SignatureAlgorithm Algorithm { get; init; } = SignatureAlgorithm.Sha256;

    public SignatureEncoding Encoding { get; init; } = SignatureEncoding.Hex;

    /// <summary>Text before the signature in the header (<c>sha256=</c>, <c>v0=</c>, <c>v1=</c>).</summary>
    public string Prefix { get; init; } = string.Empty;

    /// <summary>The header holding the timestamp (<see cref="SignatureKind.TimestampedHmac"/>, <see cref="SignatureKind.Ecdsa"/>, <see cref="SignatureKind.HubSpotV3"/>).</summary>
    public string? TimestampHeader { get; init; }

    /// <summary>
    /// The signed message of <see cref="SignatureKind.TimestampedHmac"/>: <c>{timestamp}</c> and <c>{body}</c> replaced,
    /// e.g. <c>v0:{timestamp}:{body}</c> (Slack) or <c>{timestamp}{body}</c> (Zendesk).
    /// </summary>
    public string MessageFormat { get; init; } = "{body}";

    /// <summary>How old a signed timestamp may be (and how far ahead); null where the recipe has no timestamp.</summary>
    public TimeSpan? Tolerance { get; init; }

    /// <summary>Where the provider shows the secret, for the setup page.</summary>
    public string SecretHelp { get; init; } = string.Empty;

    /// <summary>The header names a request must carry, for the docs.</summary>
    public IEnumerable<string> Headers =>
        TimestampHeader is null ? [Header] : [Header, TimestampHeader];
}
