namespace Sluice.Core.Hooks;

/// <summary>Where one finished attempt leaves a post-load hook delivery.</summary>
public enum DeliveryStep
{
    /// <summary>The receiver answered 2xx: the delivery is done.</summary>
    Succeeded,

    /// <summary>It failed and the schedule has another attempt: due again at <see cref="DeliveryNext.NextAttemptAt"/>.</summary>
    Retry,

    /// <summary>It failed on its last attempt, or for a reason retrying cannot mend (an address the SSRF guard refuses).</summary>
    FailedForGood,
}

/// <summary>The step and, for <see cref="DeliveryStep.Retry"/>, when the next attempt is due (UTC).</summary>
public readonly record struct DeliveryNext(DeliveryStep Step, DateTime? NextAttemptAt);

/// <summary>
/// The retry transition of a delivery (BEHAVIOUR.md §6.3), apart from where deliveries are stored: the next attempt is
/// timed from when the failed one ended, on the delivery's <see cref="RetrySchedule"/>.
/// </summary>
public static class DeliveryTransition
{
    /// <param name="attemptsMade">Attempts made, this one included (1-based).</param>
    /// <param name="succeeded">Whether this attempt succeeded.</param>
    /// <param name="permanent">Whether it failed in a way no retry mends.</param>
    /// <param name="endedAt">When this attempt ended (UTC).</param>
    /// <param name="schedule">The retry delays.</param>
    public static DeliveryNext After(int attemptsMade, bool succeeded, bool permanent, DateTime endedAt, RetrySchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentOutOfRangeException.ThrowIfLessThan(attemptsMade, 1);
        if (succeeded)
        {
            return new DeliveryNext(DeliveryStep.Succeeded, null);
        }

        return !permanent && schedule.NextAttemptAt(attemptsMade, new DateTimeOffset(DateTime.SpecifyKind(endedAt, DateTimeKind.Utc), TimeSpan.Zero)) is { } next
            ? new DeliveryNext(DeliveryStep.Retry, next.UtcDateTime)
            : new DeliveryNext(DeliveryStep.FailedForGood, null);
    }
}
