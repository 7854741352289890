namespace Sluice.Server.Accounts;

/// <summary>A freshly created account and its first API token (shown only now).</summary>
public sealed record NewAccount(long ClientId, string ApiToken);
