using Sluice.Storage;

namespace Sluice.Server.Sources;

/// <summary>A new webhook URL: the only response that shows it.</summary>
public sealed record CreatedWebhookUrlResponse(long Id, string Url, string Hint, DateTime CreatedAt);

/// <summary>A webhook URL in a list or after revocation: never the token, only its last characters.</summary>
public sealed record WebhookTokenResponse(long Id, string Hint, DateTime CreatedAt, DateTime? RevokedAt)
{
    public static WebhookTokenResponse From(WebhookToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new WebhookTokenResponse(token.Id, token.Hint, token.CreatedAt, token.RevokedAt);
    }
}
