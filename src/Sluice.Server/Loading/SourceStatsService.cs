using Sluice.Core.Buffering;
using Sluice.Core.Loading;
using Sluice.Storage;

namespace Sluice.Server.Loading;

/// <summary>Computes <see cref="SourceStats"/> from the buffer (what is pending and what its archive keeps), the destination's load log and the loader's state.</summary>
public sealed class SourceStatsService(
    IRecordBuffer buffer,
    IDestinationProvider destinations,
    LoadStatusTracker statuses,
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
        IReadOnlyList<LoadSummary> today = [];
        string? destinationError = null;
        try
        {
            var destination = await destinations.GetAsync(source.AccountId, cancellationToken);
            today = await destination.GetLoadsAsync(source.Id, midnight.AddTicks(-1), MaxLoadsPerDay, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            destinationError = DestinationErrors.Describe(ex);
        }

        var last = today.Count > 0 ? today[^1] : null;
        var lastTable = last?.Tables.LastOrDefault(t => t.RowsLoaded > 0) ?? last?.Tables.LastOrDefault();
        DateTime? lastReceived = Max(pending?.NewestReceivedAt.UtcDateTime, last?.MaxReceivedAt);
        var error = status.LastError ?? destinationError;

        return new SourceStats(
            source.Id,
            source.DeletedAt is not null ? "deleted" : source.PausedAt is not null ? "paused" : error is not null ? "error" : "active",
            lastReceived,
            pending?.Records ?? 0,
            pending is null ? 0 : 1,
            today.Sum(l => l.Tables.Sum(t => t.RowsLoaded)),
            lastTable is null ? status.LastTableLoaded : $"{last!.Schema}.{lastTable.Table}",
            last?.BatchedAt ?? status.LastLoadAt?.UtcDateTime,
            error,
            status.LastErrorAt?.UtcDateTime ?? (destinationError is null ? null : now),
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
            status.LoadsSplit);
    }

    private static DateTime? Max(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
