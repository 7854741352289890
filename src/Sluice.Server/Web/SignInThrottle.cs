using System.Collections.Concurrent;

namespace Sluice.Server.Web;

/// <summary>
/// Slows password guessing: after <see cref="MaxFailures"/> failed sign-ins for one email within <see cref="Window"/>, that
/// email cannot sign in until the oldest of those failures is older than the window (the right password included, so a
/// guesser learns nothing). A successful sign-in clears the count. In memory: a restart forgets it, which costs a guesser
/// a restart of the server, not less.
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    public const int MaxFailures = 10;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long <paramref name="email"/> must wait before trying again; zero when it may try now.</summary>
    public TimeSpan RetryAfter(string email)
    {
        if (!_failures.TryGetValue(Key(email), out var failures))
        {
            return TimeSpan.Zero;
        }

        lock (failures)
        {
            var now = time.GetUtcNow();
            Expire(failures, now);
            return failures.Count < MaxFailures ? TimeSpan.Zero : failures.Peek() + Window - now;
        }
    }

    public void Failed(string email)
    {
        var failures = _failures.GetOrAdd(Key(email), _ => new Queue<DateTimeOffset>());
        lock (failures)
        {
            var now = time.GetUtcNow();
            Expire(failures, now);
            failures.Enqueue(now);
            while (failures.Count > MaxFailures)
            {
                failures.Dequeue();
            }
        }
    }

    public void Succeeded(string email) => _failures.TryRemove(Key(email), out _);

    private static string Key(string email) => email.Trim();

    private static void Expire(Queue<DateTimeOffset> failures, DateTimeOffset now)
    {
        while (failures.Count > 0 && failures.Peek() + Window <= now)
        {
            failures.Dequeue();
        }
    }
}
