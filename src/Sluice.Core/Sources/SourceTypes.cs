using Sluice.Core.Integrations;

namespace Sluice.Core.Sources;

/// <summary>Source types Sluice can create (Connect names, BEHAVIOUR.md §7.6): one per entry of <see cref="IntegrationCatalog"/>.</summary>
public static class SourceTypes
{
    public const string IncomingWebhook = IntegrationCatalog.TypePrefix + IntegrationCatalog.IncomingWebhook;

    /// <summary>The form property holding the optional primary key of an Incoming Webhooks source.</summary>
    public const string PrimaryKeyProperty = "webhookz_primary_key";

    /// <summary>The write-only property holding a branded integration's signing secret (or verification key).</summary>
    public const string SigningSecretProperty = "signing_secret";

    public static IReadOnlyList<string> Supported { get; } = IntegrationCatalog.All.Select(i => i.SourceType).ToArray();

    public static bool IsSupported(string type) => IntegrationCatalog.Find(type) is not null;
}
