namespace Sluice.Core.Integrations;

/// <summary>
/// Every provider Sluice has a page for (issue 17): Stitch's webhook integrations (BEHAVIOUR.md §2, §7.6) with their
/// documented layouts, and the providers people point at such tools today, with sensible defaults. Data only: what a
/// provider does differently is a field of its <see cref="Integration"/>, checked by shared code.
/// </summary>
public static partial class IntegrationCatalog
{
    /// <summary>Source types are <c>webhook.&lt;name&gt;</c>.</summary>
    public const string TypePrefix = "webhook.";

    /// <summary>The generic integration's name (type <c>webhook.incoming-webhook</c>).</summary>
    public const string IncomingWebhook = "incoming-webhook";

    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    /// <summary>The generic Incoming Webhooks integration: any JSON sender, Stitch's behaviour, a primary-key step.</summary>
    public static Integration Generic { get; } = new()
    {
        Name = IncomingWebhook,
        DisplayName = "Incoming Webhooks",
        Summary = "Any tool that can POST JSON to a URL.",
        Branded = false,
        Stitch = true,
        Color = "#1f5fbf",
        Steps =
        [
            "Name the integration and, if each record has a unique top-level field, give it as the primary key (upsert); without one the table is append-only.",
            "Copy the webhook URL: `{webhook_url}`. It is shown only once; it is the credential.",
            "In the sending tool, add a webhook that POSTs JSON (`Content-Type: application/json`) to that URL: one object per request, or an array of objects.",
        ],
        ReplicationNotes = "Records load continuously, within seconds of arrival. Without a primary key every request adds rows; with one, a record replaces the row with the same key.",
        SchemaNotes = "Records load into one table, `data`; objects are flattened with `__` and arrays become subtables (`data__items`).",
    };

    /// <summary>All entries: the generic integration first, then by display name.</summary>
    public static IReadOnlyList<Integration> All { get; } = [Generic, .. StitchEntries().Concat(ModernEntries()).OrderBy(i => i.DisplayName, StringComparer.OrdinalIgnoreCase)];

    private static readonly Dictionary<string, Integration> ByType = All.ToDictionary(i => i.SourceType, StringComparer.Ordinal);

    /// <summary>The entry of source type <paramref name="sourceType"/> (<c>webhook.github</c>), or null.</summary>
    public static Integration? Find(string? sourceType) =>
        sourceType is not null && ByType.TryGetValue(sourceType, out var integration) ? integration : null;

    private static Integration Stitched(string name, string displayName, string summary, string color, string[] steps) => new()
    {
        Name = name,
        DisplayName = displayName,
        Summary = summary,
        Color = color,
        Stitch = true,
        Steps = steps,
        ReplicationNotes = "Append-only: every event adds a row to `data`; loads run continuously.",
        SchemaNotes = "Events load into `data`, as Stitch documents for this integration; nested objects are flattened with `__`, arrays become subtables.",
    };

    private static string[] Paste(string where, params string[] then) =>
        [$"In {where}, add a webhook whose URL is `{{webhook_url}}`.", .. then, "Send a test event; its row appears in the integration's tables within seconds."];
}
