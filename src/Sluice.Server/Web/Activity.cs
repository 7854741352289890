using Microsoft.EntityFrameworkCore;
using Sluice.Core.Buffering;
using Sluice.Server.Buffering;
using Sluice.Server.Loading;
using Sluice.Storage;

namespace Sluice.Server.Web;

/// <summary>
/// What the charts show, for one account or one of its sources, over the last 24 hours in UTC minutes: records received (from
/// the buffer's pending records and raw archive), rows loaded and each load's duration (the control plane's load log), records
/// waiting (now, and over the day as received minus loaded), and per hook the deliveries by outcome. Every read is bounded by
/// the window and filtered by the account.
/// </summary>
public sealed class ActivityService(IRecordBuffer buffer, LoadLog loads, IDbContextFactory<ControlDbContext> contexts, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public async Task<Activity> GetAsync(long clientId, IReadOnlyList<Source> sources, long? sourceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var now = time.GetUtcNow();
        var end = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(1);
        var start = end - Window;
        var ids = sources.Where(s => s.AccountId == clientId && (sourceId is null || s.Id == sourceId)).Select(s => s.Id).ToList();

        var received = new long[(int)Window.TotalMinutes];
        var history = buffer as IReceivedHistory;
        if (history is not null)
        {
            foreach (var count in await history.GetReceivedAsync(ids, start, cancellationToken))
            {
                Add(received, start, count.Minute, count.Records);
            }
        }

        var rows = new long[received.Length];
        var loadedRecords = new long[received.Length];
        var durations = new List<LoadPoint>();
        foreach (var entry in await loads.ListAsync(clientId, sourceId, start.UtcDateTime, cancellationToken))
        {
            var at = new DateTimeOffset(entry.CommittedAt, TimeSpan.Zero);
            Add(rows, start, at, entry.RowsLoaded);
            Add(loadedRecords, start, at, entry.Records);
            durations.Add(new LoadPoint(at, entry.DurationMs, entry.RowsLoaded));
        }

        var pending = (await buffer.GetPendingAsync(cancellationToken)).Where(p => ids.Contains(p.SourceId)).ToList();
        var waitingNow = pending.Sum(p => p.Records);

        // Waiting at the end of a minute = waiting now, less what arrived after it, plus what was loaded after it.
        var waiting = new long[received.Length];
        var after = 0L;
        for (var i = received.Length - 1; i >= 0; i--)
        {
            waiting[i] = Math.Max(0, waitingNow + after);
            after += loadedRecords[i] - received[i];
        }

        return new Activity(
            start,
            received,
            rows,
            waiting,
            durations,
            pending.ToDictionary(p => p.SourceId),
            await DeliveriesAsync(clientId, sourceId, start.UtcDateTime, cancellationToken),
            history is not null);
    }

    private async Task<IReadOnlyList<HookDeliveries>> DeliveriesAsync(long clientId, long? sourceId, DateTime since, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var hooks = await db.Hooks.AsNoTracking().Where(h => h.AccountId == clientId).OrderBy(h => h.Id).Select(h => new { h.Id, h.Url }).ToListAsync(cancellationToken);
        var query = db.Deliveries.AsNoTracking().Where(d => d.AccountId == clientId && d.CreatedAt >= since);
        if (sourceId is { } id)
        {
            query = query.Where(d => d.SourceId == id);
        }

        var counts = await query.GroupBy(d => new { d.HookId, d.Status }).Select(g => new { g.Key.HookId, g.Key.Status, Count = g.LongCount() }).ToListAsync(cancellationToken);
        return hooks.Select(h => new HookDeliveries(
                h.Id,
                h.Url,
                counts.Where(c => c.HookId == h.Id && c.Status == Delivery.Succeeded).Sum(c => c.Count),
                counts.Where(c => c.HookId == h.Id && c.Status == Delivery.Failed).Sum(c => c.Count),
                counts.Where(c => c.HookId == h.Id && c.Status == Delivery.Pending).Sum(c => c.Count)))
            .ToList();
    }

    private static void Add(long[] buckets, DateTimeOffset start, DateTimeOffset at, long value)
    {
        var index = (int)Math.Floor((at - start).TotalMinutes);
        if (index >= 0 && index < buckets.Length)
        {
            buckets[index] += value;
        }
    }
}

/// <summary>
/// The charts' figures: per-minute series from <see cref="Start"/> (UTC, one bucket a minute), the loads' durations, what is
/// pending now per source, deliveries per hook; <see cref="HasReceivedHistory"/> is false on a buffer that cannot count
/// what it received (the NATS buffer).
/// </summary>
public sealed record Activity(
    DateTimeOffset Start,
    IReadOnlyList<long> Received,
    IReadOnlyList<long> RowsLoaded,
    IReadOnlyList<long> Waiting,
    IReadOnlyList<LoadPoint> Loads,
    IReadOnlyDictionary<long, PendingSource> Pending,
    IReadOnlyList<HookDeliveries> Deliveries,
    bool HasReceivedHistory);

/// <summary>One load: when it committed, how long it took, the rows it wrote.</summary>
public sealed record LoadPoint(DateTimeOffset At, long DurationMs, long Rows);

/// <summary>A hook's deliveries created in the window, by outcome (pending: retries not yet exhausted).</summary>
public sealed record HookDeliveries(long HookId, string Url, long Succeeded, long Failed, long Pending)
{
    public long Total => Succeeded + Failed + Pending;
}
