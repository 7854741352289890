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
    IReadOnlyList<TableLoadStats> Tables)
{
    /// <summary>
    /// Set by the destination on the summary a reload's commit returns (not stored): how many rows of <c>_sdc_rejected</c>
    /// the reload replaced (the rejections of loads whose records it loaded again). 0 otherwise.
    /// </summary>
    public long SupersededRejections { get; init; }

    /// <summary>
    /// The summary of one load made of consecutive parts of one source (<see cref="IDestination.CommitLoadAsync(IAsyncEnumerable{LoadRequest}, CancellationToken)"/>):
    /// the first part's load id and batched-at (every part of a load is planned with the same one), the lowest and highest
    /// sequences, the latest received-at, and per table the rows added up, tables in the order they first appear.
    /// </summary>
    public static LoadSummary Combine(IReadOnlyList<LoadSummary> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("A load has at least one part.", nameof(parts));
        }

        var first = parts[0];
        if (parts.Count == 1)
        {
            return first;
        }

        var tables = new List<TableLoadStats>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            if (part.SourceId != first.SourceId || part.Schema != first.Schema)
            {
                throw new ArgumentException($"The parts of one load belong to one source; got source {part.SourceId} ({part.Schema}) after {first.SourceId} ({first.Schema}).", nameof(parts));
            }

            foreach (var table in part.Tables)
            {
                if (!index.TryGetValue(table.Table, out var at))
                {
                    index.Add(table.Table, tables.Count);
                    tables.Add(table);
                    continue;
                }

                var sum = tables[at];
                tables[at] = sum with
                {
                    RowsLoaded = sum.RowsLoaded + table.RowsLoaded,
                    RowsRejected = sum.RowsRejected + table.RowsRejected,
                    MinSequence = Min(sum.MinSequence, table.MinSequence),
                    MaxSequence = Max(sum.MaxSequence, table.MaxSequence),
                    MaxReceivedAt = Max(sum.MaxReceivedAt, table.MaxReceivedAt),
                    NewVersion = sum.NewVersion || table.NewVersion,
                };
            }
        }

        return first with
        {
            MinSequence = parts.Min(p => p.MinSequence),
            MaxSequence = parts.Max(p => p.MaxSequence),
            MaxReceivedAt = parts.Max(p => p.MaxReceivedAt),
            Tables = tables,
        };
    }

    private static T? Min<T>(T? a, T? b)
        where T : struct, IComparable<T> =>
        a is null ? b : b is null ? a : a.Value.CompareTo(b.Value) <= 0 ? a : b;

    private static T? Max<T>(T? a, T? b)
        where T : struct, IComparable<T> =>
        a is null ? b : b is null ? a : a.Value.CompareTo(b.Value) >= 0 ? a : b;
}

/// <summary>
/// Per table of a load. <see cref="MinSequence"/>/<see cref="MaxSequence"/> are null when every row was rejected.
/// <see cref="TableVersion"/> is the rows' <c>_sdc_table_version</c>; <see cref="NewVersion"/> is true when the load rebuilt
/// the table (a reload), which its post-load hook says as <c>new_version</c>. Both are absent (0, false) in loads stored before them.
/// </summary>
public sealed record TableLoadStats(
    string Table,
    string SourceTableName,
    string RootTable,
    long RowsLoaded,
    long RowsRejected,
    long? MinSequence,
    long? MaxSequence,
    DateTime? MaxReceivedAt,
    long TableVersion = 0,
    bool NewVersion = false);
