using Microsoft.Extensions.Options;
using System.Runtime.CompilerServices;
using Sluice.Core.Buffering;
using Sluice.Core.Loading;
using Sluice.Core.Normalization;
using Sluice.Core.Tables;
using Sluice.Server.Operations;

namespace Sluice.Server.Loading;

/// <summary>
/// One load of one source: resume from the destination's checkpoint, plan the tables, commit everything in one
/// destination transaction, and only then delete the loaded records from the buffer.
/// </summary>
public sealed partial class SourceLoader(
    IRecordBuffer buffer,
    IDestinationProvider destinations,
    ILoadTargetCatalog catalog,
    LoadPlanner planner,
    ILoadCommittedSignal committed,
    TimeProvider time,
    IOptions<LoadingOptions> options,
    ILogger<SourceLoader> logger,
    SluiceMetrics? metrics = null)
{
    /// <summary>Loads the next batch of <paramref name="sourceId"/>; returns null when nothing was pending.</summary>
    /// <exception cref="Exception">Any destination failure: nothing was committed and the records stay in the buffer.</exception>
    public async Task<LoadSummary?> LoadOnceAsync(long sourceId, CancellationToken cancellationToken)
    {
        var load = await PrepareAsync(sourceId, cancellationToken);
        return load is null ? null : await CommitAsync(load, cancellationToken);
    }

    /// <summary>
    /// Reads and plans the next batch (a load's first part) of <paramref name="sourceId"/> after the checkpoint stored in the
    /// destination, against the destination's tables; null when nothing is pending. Nothing is written.
    /// </summary>
    public async Task<PreparedLoad?> PrepareAsync(long sourceId, CancellationToken cancellationToken)
    {
        var target = await catalog.GetAsync(sourceId, cancellationToken)
            ?? throw new InvalidOperationException($"Source {sourceId} has buffered records but is not in the control plane.");
        var destination = await destinations.GetAsync(target.ClientId, cancellationToken);

        // The checkpoint lives in the destination, committed with the rows: after a crash between that commit and the
        // buffer delete, the records up to it are already loaded, so drop them instead of loading them twice.
        var checkpoint = await destination.GetCheckpointAsync(sourceId, cancellationToken);
        if (checkpoint > 0)
        {
            await buffer.DeleteThroughAsync(sourceId, checkpoint, cancellationToken);
        }

        return await PlanAsync(target, destination, checkpoint, tables: null, batchedAtUtc: null, cancellationToken);
    }

    /// <summary>
    /// Commits <paramref name="first"/> in one destination transaction (rows, rejections, checkpoint, summary) and only then
    /// deletes its records from the buffer. Under a backlog (a further full part pending) the load goes on with the next
    /// parts in the same transaction, up to <see cref="LoadingOptions.MaxRecordsPerLoad"/> records, each read and planned
    /// while the one before it is written; a part that changes the schema is left for a load of its own.
    /// </summary>
    /// <exception cref="Exception">Any destination failure: nothing was committed and the records stay in the buffer.</exception>
    public async Task<LoadSummary> CommitAsync(PreparedLoad first, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(first);
        var target = first.Target;
        var (records, rows, rejected, checkpoint) = (0, 0L, 0, 0L);
        var parts = PartsAsync(first, (r, n, x, c) => (records, rows, rejected, checkpoint) = (r, n, x, c), cancellationToken);
        var summary = await first.Destination.CommitLoadAsync(parts, cancellationToken);
        committed.LoadCommitted(target.ClientId, summary);
        await buffer.DeleteThroughAsync(target.SourceId, checkpoint, cancellationToken);

        LogLoaded(logger, target.SourceId, target.Schema, records, rows, rejected);
        return summary;
    }

    /// <summary>
    /// The parts of the load that starts with <paramref name="first"/>; <paramref name="progress"/> gets the records, rows,
    /// rejections and checkpoint so far.
    /// </summary>
    private async IAsyncEnumerable<LoadRequest> PartsAsync(
        PreparedLoad first, Action<int, long, int, long> progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var o = options.Value;
        var (target, destination) = (first.Target, first.Destination);
        var batchedAt = first.Request.Summary.BatchedAt;
        var (records, bytes, rows, rejected) = (0, 0L, 0L, 0);
        PreparedLoad? current = first;
        first = null!;
        Task<PreparedLoad?>? ahead = null;
        try
        {
            while (current is not null)
            {
                records += current.Records;
                bytes += current.Bytes;
                rows += current.Request.Summary.Tables.Sum(t => t.RowsLoaded);
                rejected += current.Request.Rejections.Count;
                progress(records, rows, rejected, current.Request.CheckpointSequence);
                ahead = null;
                if (records + o.MaxRecords <= o.MaxRecordsPerLoad)
                {
                    var (checkpoint, tables) = (current.Request.CheckpointSequence, current.TablesAfter);
                    ahead = Task.Run(() => PlanAsync(target, destination, checkpoint, tables, batchedAt, cancellationToken, backlogOnly: true), cancellationToken);
                }

                var request = current.Request;
                current = null;
                yield return request;
                if (ahead is null)
                {
                    yield break;
                }

                var next = await ahead;
                ahead = null;

                // A part that changes the schema waits for a load of its own (planned again, with that load's batched-at).
                current = next is { Request.SchemaChanges.Count: 0 } ? next : null;
            }
        }
        finally
        {
            if (ahead is not null)
            {
                // The destination gave up on the load: let the part being planned finish unobserved.
                await ((Task)ahead).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <param name="backlogOnly">
    /// Plan only a backlog's part: at least half of <see cref="LoadingOptions.MaxRecords"/> or <see cref="LoadingOptions.MaxBytes"/>
    /// pending. What trickles in while a load is written waits for the next load instead, so a steady trickle cannot keep a
    /// transaction open (its rows unseen) with ever more small parts.
    /// </param>
    private async Task<PreparedLoad?> PlanAsync(
        LoadTarget target, IDestination destination, long checkpoint, IReadOnlyList<TableSchema>? tables, DateTime? batchedAtUtc, CancellationToken cancellationToken,
        bool backlogOnly = false)
    {
        var o = options.Value;
        var records = await buffer.ReadAsync(target.SourceId, checkpoint, o.MaxRecords, o.MaxBytes, cancellationToken);
        long bytes = 0;
        foreach (var record in records)
        {
            bytes += record.Utf8Json.Length;
        }

        if (records.Count == 0 || (backlogOnly && records.Count * 2L < o.MaxRecords && bytes * 2 < o.MaxBytes))
        {
            return null;
        }

        tables ??= await destination.GetTablesAsync(target.Schema, cancellationToken);
        var batchedAt = batchedAtUtc ?? time.GetUtcNow().UtcDateTime;
        var context = new LoadContext(target.SourceId, target.Schema, target.PrimaryKey, RandomGuids.NewGuid);
        var started = time.GetTimestamp();
        var plan = planner.Plan(context, records, tables, batchedAt);
        metrics?.PartPlanned(time.GetElapsedTime(started));
        return new PreparedLoad(target, destination, plan.ToLoadRequest(), records.Count, bytes, plan.TablesAfter(tables));
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Loaded source {SourceId} into schema {Schema}: {Records} records, {Rows} rows, {Rejected} rejected")]
    private static partial void LogLoaded(ILogger logger, long sourceId, string schema, int records, long rows, int rejected);
}
