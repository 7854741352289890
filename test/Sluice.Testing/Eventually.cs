using System.Diagnostics;
using Xunit;

namespace Sluice.Testing;

/// <summary>
/// Polling until something another thread or process does has happened (a load, a delivery, a process listening): the
/// one place tests wait for a condition. A test that waits for time to pass advances a fake clock instead.
/// </summary>
public static class Eventually
{
    /// <summary>How long a wait lasts unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How often the condition is checked unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Polls <paramref name="condition"/> until true; on timeout fails the test naming <paramref name="what"/> and, when given,
    /// <paramref name="lastSeen"/>'s account of the last state (e.g. the source's stats, the last query answer).
    /// </summary>
    public static async Task AssertAsync(
        Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? lastSeen = null, TimeSpan? every = null)
    {
        var limit = timeout ?? DefaultTimeout;
        if (!await WaitAsync(condition, limit, every))
        {
            Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting until {what}.{(lastSeen is null ? string.Empty : " Last seen: " + lastSeen())}");
        }
    }

    /// <summary>
    /// Reads with <paramref name="read"/> until the value satisfies <paramref name="done"/> and returns that value; on timeout fails
    /// the test naming <paramref name="what"/> and, when given, <paramref name="lastSeen"/>'s account of the last value read.
    /// </summary>
    public static async Task<T> ValueAsync<T>(
        Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null, Func<T, string>? lastSeen = null, TimeSpan? every = null)
    {
        var value = default(T);
        var seen = false;
        await AssertAsync(
            async () =>
            {
                value = await read();
                seen = true;
                return done(value);
            },
            what,
            timeout,
            lastSeen is null ? null : () => seen ? lastSeen(value!) : "nothing read yet",
            every);
        return value!;
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until true or <paramref name="timeout"/> has passed; whether it came true (checked once more
    /// at the end). For a caller that asserts with its own account of what went wrong, or only waits up to a time.
    /// </summary>
    public static async Task<bool> WaitAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, TimeSpan? every = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(every ?? DefaultInterval);
        }

        return await condition();
    }
}
