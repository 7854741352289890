using Sluice.Core.Hooks;

namespace Sluice.Core.Tests.Hooks;

public class DeliveryTransitionTests
{
    private static readonly DateTime Ended = new(2026, 12, 7, 9, 30, 0, 250, DateTimeKind.Utc);
    private static readonly RetrySchedule Default = new(RetrySchedule.DefaultDelays);

    [Fact]
    public void Success_OnAnyAttempt_IsDone()
    {
        Assert.Equal(new DeliveryNext(DeliveryStep.Succeeded, null), DeliveryTransition.After(1, true, false, Ended, Default));
        Assert.Equal(new DeliveryNext(DeliveryStep.Succeeded, null), DeliveryTransition.After(6, true, false, Ended, Default));
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 60)]
    [InlineData(3, 300)]
    [InlineData(4, 900)]
    [InlineData(5, 3600)]
    public void Failure_WithAttemptsLeft_IsDueAgainTheDelayAfterItEnded(int attempts, int seconds) =>
        Assert.Equal(new DeliveryNext(DeliveryStep.Retry, Ended.AddSeconds(seconds)), DeliveryTransition.After(attempts, false, false, Ended, Default));

    [Fact]
    public void Failure_OnTheLastAttempt_FailsForGood() =>
        Assert.Equal(new DeliveryNext(DeliveryStep.FailedForGood, null), DeliveryTransition.After(Default.MaxAttempts, false, false, Ended, Default));

    [Fact]
    public void PermanentFailure_OnTheFirstAttempt_FailsForGoodWithoutRetrying() =>
        Assert.Equal(new DeliveryNext(DeliveryStep.FailedForGood, null), DeliveryTransition.After(1, false, true, Ended, Default));

    [Fact]
    public void NoDelaysConfigured_OneAttemptOnly() =>
        Assert.Equal(DeliveryStep.FailedForGood, DeliveryTransition.After(1, false, false, Ended, new RetrySchedule([])).Step);

    [Fact]
    public void UnspecifiedKind_IsReadAsUtc()
    {
        var fromDatabase = DateTime.SpecifyKind(Ended, DateTimeKind.Unspecified);
        var next = DeliveryTransition.After(1, false, false, fromDatabase, Default);
        Assert.Equal(Ended.AddSeconds(10), next.NextAttemptAt);
        Assert.Equal(DateTimeKind.Utc, next.NextAttemptAt!.Value.Kind);
    }

    [Fact]
    public void AttemptsMade_BelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DeliveryTransition.After(0, false, false, Ended, Default));
}
