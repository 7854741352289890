using Microsoft.Extensions.Time.Testing;
using Sluice.Server.Web;

namespace Sluice.Server.Tests.Web;

public sealed class SignInThrottleTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void RetryAfter_TenFailuresWithinTheWindow_BlocksUntilTheOldestIsFifteenMinutesOld()
    {
        var throttle = new SignInThrottle(clock);
        for (var i = 0; i < SignInThrottle.MaxFailures - 1; i++)
        {
            throttle.Failed("owner@example.com");
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("owner@example.com"));
        throttle.Failed("owner@example.com");

        // The first failure was 9 minutes ago: 6 minutes to go, for any spelling of the same email.
        Assert.Equal(TimeSpan.FromMinutes(6), throttle.RetryAfter(" OWNER@example.com "));
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("someone-else@example.com"));

        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("owner@example.com"));
    }

    [Fact]
    public void Succeeded_AfterFailures_ClearsTheCount()
    {
        var throttle = new SignInThrottle(clock);
        for (var i = 0; i < SignInThrottle.MaxFailures - 1; i++)
        {
            throttle.Failed("owner@example.com");
        }

        throttle.Succeeded("owner@example.com");
        throttle.Failed("owner@example.com");

        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("owner@example.com"));
    }
}
