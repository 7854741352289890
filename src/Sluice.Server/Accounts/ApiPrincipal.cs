namespace Sluice.Server.Accounts;

/// <summary>Who an API token speaks for: the account (<c>client_id</c>) and the token's id.</summary>
public sealed record ApiPrincipal(long ClientId, long TokenId);
