namespace Sluice.Testing;

/// <summary>An account created for a test: its client id, API token and a client that sends that token.</summary>
public sealed record TestAccount(long ClientId, string Token, HttpClient Api);
