using Microsoft.EntityFrameworkCore;
using Sluice.Core.Loading;
using Sluice.Destinations.Postgres;
using Sluice.Storage;

namespace Sluice.Server.Loading;

/// <summary>
/// The control plane's log of committed loads (<see cref="LoadLogEntry"/>): written by the loader after each commit, read by
/// the dashboard and the charts. Writing is best effort: a failure is logged and the load stands (its rows, checkpoint and
/// <c>_sluice_loads</c> row are committed in the destination already). Reads are bounded by time and scoped to one account.
/// </summary>
public sealed partial class LoadLog(IDbContextFactory<ControlDbContext> contexts, TimeProvider time, ILogger<LoadLog> logger)
{
    /// <summary>Entries older than <see cref="LoadLogEntry.Retention"/> are deleted at most this often (by the node that writes).</summary>
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    private long _nextPruneTicks;

    /// <summary>Logs a committed load of <paramref name="records"/> records that took from <paramref name="startedAt"/> until now.</summary>
    public async Task RecordAsync(LoadTarget target, IDestination destination, LoadSummary summary, long records, long startedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(summary);
        var now = time.GetUtcNow();
        var lastTable = summary.Tables.LastOrDefault(t => t.RowsLoaded > 0) ?? summary.Tables.LastOrDefault();
        var entry = new LoadLogEntry
        {
            AccountId = target.ClientId,
            SourceId = target.SourceId,
            LoadId = summary.LoadId,
            Destination = destination is PostgresDestination ? Storage.Destination.PostgresType : Storage.Destination.DuckDbType,
            BatchedAt = summary.BatchedAt,
            CommittedAt = now.UtcDateTime,
            DurationMs = (long)time.GetElapsedTime(startedAt).TotalMilliseconds,
            Records = records,
            RowsLoaded = summary.Tables.Sum(t => t.RowsLoaded),
            RowsRejected = summary.Tables.Sum(t => t.RowsRejected),
            LastTable = lastTable is null ? null : $"{summary.Schema}.{lastTable.Table}",
            MaxReceivedAt = summary.MaxReceivedAt,
        };
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            db.LoadLog.Add(entry);
            await db.SaveChangesAsync(cancellationToken);
            if (now.UtcTicks >= Interlocked.Read(ref _nextPruneTicks))
            {
                Interlocked.Exchange(ref _nextPruneTicks, (now + PruneEvery).UtcTicks);
                var cutoff = now.UtcDateTime - LoadLogEntry.Retention;
                await db.LoadLog.Where(l => l.CommittedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotRecorded(logger, target.SourceId, summary.LoadId, ex);
        }
    }

    /// <summary>The account's loads committed after <paramref name="after"/>, oldest first; of one source when <paramref name="sourceId"/> is set.</summary>
    public async Task<IReadOnlyList<LoadLogEntry>> ListAsync(long clientId, long? sourceId, DateTime after, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.LoadLog.AsNoTracking().Where(l => l.AccountId == clientId && l.CommittedAt > after);
        if (sourceId is { } id)
        {
            query = query.Where(l => l.SourceId == id);
        }

        return await query.OrderBy(l => l.CommittedAt).ThenBy(l => l.Id).ToListAsync(cancellationToken);
    }

    [LoggerMessage(EventId = LogEvents.Loading.NotRecorded, Level = LogLevel.Warning, Message = "Source {SourceId}: load {LoadId} committed but could not be written to the control plane's load log; the dashboard's figures miss it")]
    private static partial void LogNotRecorded(ILogger logger, long sourceId, Guid loadId, Exception exception);
}
