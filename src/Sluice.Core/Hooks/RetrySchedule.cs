namespace Sluice.Core.Hooks;

/// <summary>
/// When a post-load hook delivery is tried again: after the first attempt, one retry per delay (default 10 s, 1 min,
/// 5 min, 15 min, 60 min: five retries, BEHAVIOUR.md §6.3). The schedule is persisted with the delivery, so it survives restarts.
/// </summary>
public sealed class RetrySchedule
{
    public static readonly IReadOnlyList<TimeSpan> DefaultDelays =
        [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(60)];

    public RetrySchedule(IReadOnlyList<TimeSpan> delays)
    {
        ArgumentNullException.ThrowIfNull(delays);
        if (delays.Any(d => d < TimeSpan.Zero))
        {
            throw new ArgumentException("Retry delays cannot be negative.", nameof(delays));
        }

        Delays = delays;
    }

    public IReadOnlyList<TimeSpan> Delays { get; }

    /// <summary>Attempts in all: the first and one per delay.</summary>
    public int MaxAttempts => Delays.Count + 1;

    /// <summary>When to try again after attempt number <paramref name="attemptsMade"/> (1-based) failed at <paramref name="failedAt"/>; null when that was the last.</summary>
    public DateTimeOffset? NextAttemptAt(int attemptsMade, DateTimeOffset failedAt) =>
        attemptsMade >= 1 && attemptsMade <= Delays.Count ? failedAt + Delays[attemptsMade - 1] : null;
}
