using Sluice.Core.Tables;

namespace Sluice.Core.Loading;

/// <summary>
/// Everything one load writes, committed by the destination in ONE transaction: schema changes, table writes,
/// rejections (into <c>{Schema}._sdc_rejected</c>), the source's checkpoint (the highest buffer sequence this load covers)
/// and the load summary. Either all of it is visible afterwards, or none.
/// </summary>
public sealed record LoadRequest(
    string Schema,
    long SourceId,
    IReadOnlyList<SchemaChange> SchemaChanges,
    IReadOnlyList<TableWrite> Writes,
    IReadOnlyList<RejectedRecord> Rejections,
    long CheckpointSequence,
    LoadSummary Summary)
{
    /// <summary>New rows of <c>{Schema}._sluice_columns</c>, written in the same transaction after the schema changes.</summary>
    public IReadOnlyList<ColumnMapping> Mappings { get; init; } = [];
}
