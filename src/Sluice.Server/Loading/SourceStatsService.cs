using Sluice.Server.Buffering;
using Sluice.Server.Destinations;
using Sluice.Storage;

namespace Sluice.Server.Loading;

/// <summary>
/// Computes <see cref="SourceStats"/> from the buffer (what is pending and what its archive keeps), the account's loads and
/// the loader's state. The loads are the control plane's <see cref="LoadLog"/> (every destination the account loaded into
/// today) joined with the current destination's <c>_sluice_loads</c> when it answers (loads logged before the log existed),
/// so a change of destination or a destination that is down does not change what was loaded.
/// </summary>
public sealed class SourceStatsService(
    IRecordBuffer buffer,
    IDestinationProvider destinations,
    LoadStatusTracker statuses,
    LoadLog log,
    TimeProvider time)
{
    /// <summary>Loads read for "today" at most; past it the figure is a lower bound.</summary>
    private const int MaxLoadsPerDay = 100_000;

    public async Task<SourceStats> GetAsync(Source source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var pending = (await buffer.GetPendingAsync(cancellationToken)).FirstOrDefault(p => p.SourceId == source.Id);
        var archive = await buffer.GetArchiveAsync(source.Id, cancellationToken);
        var status = statuses.Get(source.Id);

        var now = time.GetUtcNow().UtcDateTime;
        var midnight = now.Date;
        var today = new Dictionary<Guid, LoadFigure>();
        foreach (var entry in await log.ListAsync(source.AccountId, source.Id, midnight.AddTicks(-1), cancellationToken))
        {
            today[entry.LoadId] = new LoadFigure(entry.BatchedAt, entry.RowsLoaded, entry.LastTable, entry.MaxReceivedAt);
        }

        string? destinationError = null;
        try
        {
            var destination = await destinations.GetAsync(source.AccountId, cancellationToken);
            foreach (var load in await destination.GetLoadsAsync(source.Id, midnight.AddTicks(-1), MaxLoadsPerDay, cancellationToken))
            {
                var table = load.Tables.LastOrDefault(t => t.RowsLoaded > 0) ?? load.Tables.LastOrDefault();
                today.TryAdd(load.LoadId, new LoadFigure(load.BatchedAt, load.Tables.Sum(t => t.RowsLoaded), table is null ? null : $"{load.Schema}.{table.Table}", load.MaxReceivedAt));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            destinationError = DestinationErrors.Describe(ex);
        }

        var last = today.Values.OrderBy(l => l.BatchedAt).LastOrDefault();
        DateTime? lastReceived = Max(pending?.NewestReceivedAt.UtcDateTime, last?.MaxReceivedAt);

        // An error is something wrong with this integration's data: a load that failed, or records waiting while the destination
        // cannot be reached. A destination that is down while nothing waits is said (DestinationError), not an error of the integration.
        var error = status.LastError ?? (pending is not null ? destinationError : null);

        return new SourceStats(
            source.Id,
            source.DeletedAt is not null ? "deleted" : source.PausedAt is not null ? "paused" : error is not null ? "error" : "active",
            lastReceived,
            pending?.Records ?? 0,
            pending is null ? 0 : 1,
            today.Values.Sum(l => l.Rows),
            last?.LastTable ?? status.LastTableLoaded,
            last?.BatchedAt ?? status.LastLoadAt?.UtcDateTime,
            error,
            status.LastErrorAt?.UtcDateTime ?? (error is null ? null : now),
            archive.Records,
            archive.Bytes,
            archive.OldestReceivedAt?.UtcDateTime,
            source.ReloadRequestedAt,
            source.LastReloadAt,
            source.LastReloadVersion,
            source.LastReloadRecords,
            source.LastReloadRecovered,
            source.LastReloadRefused,
            status.RecordsRejected,
            status.LastRejection,
            status.LoadsSplit)
        {
            DestinationError = destinationError,
        };
    }

    private static DateTime? Max(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private sealed record LoadFigure(DateTime BatchedAt, long Rows, string? LastTable, DateTime MaxReceivedAt);
}
