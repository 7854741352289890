using Sluice.Core.Hooks;

namespace Sluice.Core.Tests.Hooks;

public class RetryScheduleTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Default_FiveRetriesOnTheDocumentedDelays_ThenStops()
    {
        var schedule = new RetrySchedule(RetrySchedule.DefaultDelays);

        Assert.Equal(6, schedule.MaxAttempts);
        Assert.Equal(At.AddSeconds(10), schedule.NextAttemptAt(1, At));
        Assert.Equal(At.AddMinutes(1), schedule.NextAttemptAt(2, At));
        Assert.Equal(At.AddMinutes(5), schedule.NextAttemptAt(3, At));
        Assert.Equal(At.AddMinutes(15), schedule.NextAttemptAt(4, At));
        Assert.Equal(At.AddMinutes(60), schedule.NextAttemptAt(5, At));
        Assert.Null(schedule.NextAttemptAt(6, At));
    }

    [Fact]
    public void Constructor_NegativeDelay_Throws() =>
        Assert.Throws<ArgumentException>(() => new RetrySchedule([TimeSpan.FromSeconds(-1)]));
}
