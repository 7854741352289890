namespace Sluice.Core.Sources;

/// <summary>Source types Sluice can create (Connect names, BEHAVIOUR.md §7.6).</summary>
public static class SourceTypes
{
    public const string IncomingWebhook = "webhook.incoming-webhook";

    /// <summary>The form property holding the optional primary key of an Incoming Webhooks source.</summary>
    public const string PrimaryKeyProperty = "webhookz_primary_key";

    public static IReadOnlyList<string> Supported { get; } = [IncomingWebhook];

    public static bool IsSupported(string type) => Supported.Contains(type, StringComparer.Ordinal);
}
