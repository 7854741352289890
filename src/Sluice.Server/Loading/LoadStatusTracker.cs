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
