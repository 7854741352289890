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

    /// <summary>
    /// Set on the first part of a reload (<see cref="LoadReload"/>): before anything else in the transaction the destination
    /// drops the schema's tables and its <c>_sluice_columns</c> rows, replaces the superseded rejections and stores the new
    /// table version; later parts of that load may then change the schema too.
    /// </summary>
    public LoadReload? Reload { get; init; }

    /// <summary>
    /// The destination checkpoint this load starts after, as the loader read it (on a load's first part): the destination
    /// commits the load only while its stored checkpoint is still this one, else it throws <see cref="CheckpointMovedException"/>
    /// and commits nothing, so two nodes that both took the same records never load them twice. Null: no such check (a reload).
    /// </summary>
    public long? AfterCheckpoint { get; init; }
}

/// <summary>
/// A load found the source's checkpoint moved since it read it: another loader (another node) committed those records
/// meanwhile. Nothing of this load was committed; the next load starts from the new checkpoint.
/// </summary>
public sealed class CheckpointMovedException(long sourceId, long expected, long actual)
    : Exception($"The checkpoint of source {sourceId} is {actual}, not {expected} as this load started from: another node loaded these records meanwhile. Nothing of this load was committed.")
{
    public long SourceId { get; } = sourceId;

    public long Expected { get; } = expected;

    public long Actual { get; } = actual;
}

/// <summary>
/// What a reload replaces. <paramref name="FirstSequence"/> is the lowest sequence it loads again: the rejections of the
/// source's loads that started at or after it (by <c>_sdc_rejected_at</c>, their batched-at) are deleted, since the reload
/// rejects again whatever still fails. <paramref name="TableVersion"/> is stored as the source's table version.
/// </summary>
public sealed record LoadReload(long TableVersion, long FirstSequence);
