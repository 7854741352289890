using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Sluice.Server.Loading;

/// <summary>
/// Per-source loader state: the last success, the current error streak and when to try again (exponential backoff).
/// In memory: after a restart the loader simply tries again, and a persisting error shows up again at once.
/// </summary>
public sealed class LoadStatusTracker(TimeProvider time, IOptions<LoadingOptions> options)
{
    private readonly ConcurrentDictionary<long, SourceLoadStatus> _statuses = new();

    public SourceLoadStatus Get(long sourceId) => _statuses.GetValueOrDefault(sourceId, SourceLoadStatus.Empty);

    public bool IsBackingOff(long sourceId) =>
        _statuses.TryGetValue(sourceId, out var s) && s.NextAttemptAt is { } next && next > time.GetUtcNow();

    public void Succeeded(long sourceId, string? lastTable)
    {
        var now = time.GetUtcNow();
        _statuses.AddOrUpdate(
            sourceId,
            _ => new SourceLoadStatus(now, lastTable, null, null, 0, null),
            (_, s) => s with { LastLoadAt = now, LastTableLoaded = lastTable ?? s.LastTableLoaded, LastError = null, LastErrorAt = null, ConsecutiveFailures = 0, NextAttemptAt = null, FailingSince = null, Emailed = false });
    }

    /// <summary>Ends an error streak without a new load (the records were already in the destination).</summary>
    public void Recovered(long sourceId)
    {
        if (_statuses.TryGetValue(sourceId, out var s) && s.LastError is not null)
        {
            _statuses[sourceId] = s with { LastError = null, LastErrorAt = null, ConsecutiveFailures = 0, NextAttemptAt = null, FailingSince = null, Emailed = false };
        }
    }

    /// <summary>
    /// The streak's start, once per error streak, when it has lasted <see cref="LoadingOptions.ErrorEmailDelay"/>: the
    /// caller sends the email. Marks the streak emailed, so later failures of the same streak answer null.
    /// </summary>
    public DateTimeOffset? ClaimErrorEmail(long sourceId)
    {
        var delay = options.Value.ErrorEmailDelay;
        var now = time.GetUtcNow();
        while (_statuses.TryGetValue(sourceId, out var s))
        {
            if (s.Emailed || s.FailingSince is not { } since || now - since < delay || s.LastError is null)
            {
                return null;
            }

            if (_statuses.TryUpdate(sourceId, s with { Emailed = true }, s))
            {
                return since;
            }
        }

        return null;
    }

    /// <summary>
    /// A load of <paramref name="records"/> records through sequence <paramref name="through"/> failed on what it held:
    /// the next ones take at most half as many, at once (no back-off: each is a different, smaller load), until the
    /// checkpoint passes <paramref name="through"/> or a record is rejected.
    /// </summary>
    public SourceLoadStatus Split(long sourceId, int records, long through, string error)
    {
        var now = time.GetUtcNow();
        var cap = Math.Max(1, records / 2);
        return _statuses.AddOrUpdate(
            sourceId,
            _ => SourceLoadStatus.Empty with { LastError = error, LastErrorAt = now, RecordCap = cap, CapThrough = through, LoadsSplit = 1 },
            (_, s) => s with
            {
                LastError = error, LastErrorAt = now, NextAttemptAt = null, RecordCap = cap, CapThrough = Math.Max(s.CapThrough, through), LoadsSplit = s.LoadsSplit + 1,
            });
    }

    /// <summary>A load of the one record <paramref name="sequence"/> failed: the next failure of that record rejects it.</summary>
    public void SingleFailed(long sourceId, long sequence) =>
        _statuses.AddOrUpdate(sourceId, _ => SourceLoadStatus.Empty with { SingleFailed = sequence, RecordCap = 1 }, (_, s) => s with { SingleFailed = sequence, RecordCap = 1 });

    /// <summary>A load committed through <paramref name="checkpoint"/>: a split is over once it passes the failed load.</summary>
    public void Passed(long sourceId, long checkpoint)
    {
        if (_statuses.TryGetValue(sourceId, out var s) && (s.RecordCap is not null || s.SingleFailed is not null))
        {
            _statuses[sourceId] = checkpoint >= s.CapThrough ? s with { RecordCap = null, CapThrough = 0, SingleFailed = null } : s with { SingleFailed = null };
        }
    }

    /// <summary>A record the destination failed on alone went to <c>_sdc_rejected</c>: the split is over.</summary>
    public void Rejected(long sourceId, string what) =>
        _statuses.AddOrUpdate(
            sourceId,
            _ => SourceLoadStatus.Empty with { RecordsRejected = 1, LastRejection = what },
            (_, s) => s with { RecordCap = null, CapThrough = 0, SingleFailed = null, RecordsRejected = s.RecordsRejected + 1, LastRejection = what });

    /// <summary>Records a failed load; returns the new status (its failure count tells whether this starts a streak).</summary>
    public SourceLoadStatus Failed(long sourceId, string error)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        return _statuses.AddOrUpdate(
            sourceId,
            _ => new SourceLoadStatus(null, null, error, now, 1, now + o.MinRetryDelay, now),
            (_, s) =>
            {
                var failures = s.ConsecutiveFailures + 1;
                var delay = TimeSpan.FromTicks(Math.Min(o.MaxRetryDelay.Ticks, o.MinRetryDelay.Ticks * (1L << Math.Min(failures - 1, 20))));
                return s with { LastError = error, LastErrorAt = now, ConsecutiveFailures = failures, NextAttemptAt = now + delay, FailingSince = failures == 1 ? now : s.FailingSince ?? now, Emailed = failures != 1 && s.Emailed };
            });
    }
}
