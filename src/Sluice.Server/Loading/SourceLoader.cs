using Microsoft.Extensions.Options;
using Sluice.Core.Buffering;
using Sluice.Core.Loading;
using Sluice.Core.Normalization;
using Sluice.Core.Tables;

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
    ILogger<SourceLoader> logger)
{
    /// <summary>Loads the next batch of <paramref name="sourceId"/>; returns null when nothing was pending.</summary>
    /// <exception cref="Exception">Any destination failure: nothing was committed and the records stay in the buffer.</exception>
    public async Task<LoadSummary?> LoadOnceAsync(long sourceId, CancellationToken cancellationToken)
    {
        var load = await PrepareAsync(sourceId, cancellationToken);
        return load is null ? null : await CommitAsync(load, cancellationToken);
    }

    /// <summary>
    /// Reads and plans the next batch of <paramref name="sourceId"/> after the checkpoint stored in the destination, against
    /// the destination's tables; null when nothing is pending. Nothing is written.
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

        return await PlanAsync(target, destination, checkpoint, tables: null, cancellationToken);
    }

    /// <summary>
    /// Reads and plans the batch after <paramref name="previous"/> as if it had committed: records past its checkpoint,
    /// against the tables it leaves. Meant to run while <paramref name="previous"/> commits; used only once it has. Null when
    /// nothing is pending past it.
    /// </summary>
    public Task<PreparedLoad?> PrepareNextAsync(PreparedLoad previous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return PlanAsync(previous.Target, previous.Destination, previous.Request.CheckpointSequence, previous.TablesAfter, cancellationToken);
    }

    /// <summary>
    /// Commits <paramref name="load"/> in one destination transaction (rows, rejections, checkpoint, summary) and only then
    /// deletes its records from the buffer.
    /// </summary>
    /// <exception cref="Exception">Any destination failure: nothing was committed and the records stay in the buffer.</exception>
    public async Task<LoadSummary> CommitAsync(PreparedLoad load, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        var request = load.Request;
        await load.Destination.CommitLoadAsync(request, cancellationToken);
        committed.LoadCommitted(load.Target.ClientId, request.Summary);
        await buffer.DeleteThroughAsync(load.Target.SourceId, request.CheckpointSequence, cancellationToken);

        LogLoaded(logger, load.Target.SourceId, load.Target.Schema, load.Records, request.Summary.Tables.Sum(t => t.RowsLoaded), request.Rejections.Count);
        return request.Summary;
    }

    private async Task<PreparedLoad?> PlanAsync(
        LoadTarget target, IDestination destination, long checkpoint, IReadOnlyList<TableSchema>? tables, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var records = await buffer.ReadAsync(target.SourceId, checkpoint, o.MaxRecords, o.MaxBytes, cancellationToken);
        if (records.Count == 0)
        {
            return null;
        }

        tables ??= await destination.GetTablesAsync(target.Schema, cancellationToken);
        var batchedAt = time.GetUtcNow().UtcDateTime;
        var context = new LoadContext(target.SourceId, target.Schema, target.PrimaryKey, RandomGuids.NewGuid);
        var plan = planner.Plan(context, records, tables, batchedAt);
        long bytes = 0;
        foreach (var record in records)
        {
            bytes += record.Utf8Json.Length;
        }

        return new PreparedLoad(target, destination, plan.ToLoadRequest(), records.Count, bytes, plan.TablesAfter(tables));
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Loaded source {SourceId} into schema {Schema}: {Records} records, {Rows} rows, {Rejected} rejected")]
    private static partial void LogLoaded(ILogger logger, long sourceId, string schema, int records, long rows, int rejected);
}
