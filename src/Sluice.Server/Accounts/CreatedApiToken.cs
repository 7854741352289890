using Sluice.Storage;

namespace Sluice.Server.Accounts;

/// <summary>A new API token's row and the token itself, which is shown only in this response.</summary>
public sealed record CreatedApiToken(ApiToken Row, string Token);
