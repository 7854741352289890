using Microsoft.Extensions.Options;
using Sluice.Core.Buffering;
using Sluice.Core.Loading;
using Sluice.Core.Normalization;

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

        var o = options.Value;
        var records = await buffer.ReadAsync(sourceId, checkpoint, o.MaxRecords, o.MaxBytes, cancellationToken);
        if (records.Count == 0)
        {
            return null;
        }

        var tables = await destination.GetTablesAsync(target.Schema, cancellationToken);
        var batchedAt = time.GetUtcNow().UtcDateTime;
        var context = new LoadContext(sourceId, target.Schema, target.PrimaryKey, Guid.NewGuid);
        var plan = planner.Plan(context, records, tables, batchedAt);
        var request = plan.ToLoadRequest();

        await destination.CommitLoadAsync(request, cancellationToken);
        committed.LoadCommitted(target.ClientId, request.Summary);
        await buffer.DeleteThroughAsync(sourceId, request.CheckpointSequence, cancellationToken);

        LogLoaded(logger, sourceId, target.Schema, records.Count, request.Summary.Tables.Sum(t => t.RowsLoaded), request.Rejections.Count);
        return request.Summary;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Loaded source {SourceId} into schema {Schema}: {Records} records, {Rows} rows, {Rejected} rejected")]
    private static partial void LogLoaded(ILogger logger, long sourceId, string schema, int records, long rows, int rejected);
}
