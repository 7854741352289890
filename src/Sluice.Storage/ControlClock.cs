namespace Sluice.Storage;

/// <summary>Control-plane timestamps: UTC, to the millisecond, so they read the same back from every provider.</summary>
public static class ControlClock
{
    public static DateTime Now(TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}
