using Sluice.Storage;

namespace Sluice.Server.Accounts;

/// <summary>A new API token: the only response that shows it.</summary>
public sealed record CreatedApiTokenResponse(long Id, string? Name, string Token, string Hint, DateTime CreatedAt);

/// <summary>An API token in a list or after revocation: never the token itself.</summary>
public sealed record ApiTokenResponse(long Id, string? Name, string Hint, DateTime CreatedAt, DateTime? RevokedAt)
{
    public static ApiTokenResponse From(ApiToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new ApiTokenResponse(token.Id, token.Name, token.Hint, token.CreatedAt, token.RevokedAt);
    }
}
