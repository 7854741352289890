namespace Sluice.Testing;

/// <summary>A source created for a test: id, schema name and its first webhook URL (absolute).</summary>
public sealed record TestSource(long Id, string Name, string WebhookUrl);
