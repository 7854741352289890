namespace Sluice.Core.Loading;

/// <summary>
/// The summary of one load of one source, stored in the destination (<c>_sluice_loads</c>) in the load's transaction;
/// post-load hook payloads are built from it.
/// </summary>
public sealed record LoadSummary(
    Guid LoadId,
    long SourceId,
    string Schema,
    DateTime BatchedAt,
    long MinSequence,
    long MaxSequence,
    DateTime MaxReceivedAt,
    IReadOnlyList<TableLoadStats> Tables);

/// <summary>Per table of a load. <see cref="MinSequence"/>/<see cref="MaxSequence"/> are null when every row was rejected.</summary>
public sealed record TableLoadStats(
    string Table,
    string SourceTableName,
    string RootTable,
    long RowsLoaded,
    long RowsRejected,
    long? MinSequence,
    long? MaxSequence,
    DateTime? MaxReceivedAt);
