using Sluice.Core.Sources;

namespace Sluice.Core.Normalization;

/// <summary>What the planner needs to know about the source being loaded.</summary>
/// <param name="SourceId">The source (integration) whose records are loaded.</param>
/// <param name="Schema">The destination schema of the source.</param>
/// <param name="PrimaryKey">The configured top-level key field (upsert), or null (append-only with <c>__sdc_primary_key</c>).</param>
/// <param name="NewGuid">Randomness, injected: the load id and every <c>__sdc_primary_key</c> come from it.</param>
public sealed record LoadContext(long SourceId, string Schema, string? PrimaryKey, Func<Guid> NewGuid)
{
    /// <summary>Routing, captured headers and depth limit of the source (<see cref="SourceLayout.Default"/>: Stitch's layout).</summary>
    public SourceLayout Layout { get; init; } = SourceLayout.Default;

    /// <summary>The rows' <c>_sdc_table_version</c>: 0, and one more after every reload of the source.</summary>
    public long TableVersion { get; init; }

    /// <summary>Whether this load rebuilds the source's tables (a reload): its hooks say <c>new_version: true</c>.</summary>
    public bool NewVersion { get; init; }
}
