using System.Globalization;
using Microsoft.Extensions.Options;
using Sluice.Server.Hooks;
using Sluice.Server.Notifications;

namespace Sluice.Server.Web;

/// <summary>
/// What the pages say about retries and email, from this server's configuration (<c>Hooks:RetryDelays</c>, <c>Smtp:Host</c>),
/// so a page never promises a schedule or an email the server does not keep.
/// </summary>
public sealed class DeliveryPolicyText(IOptions<HooksOptions> hooks, IOptions<SmtpOptions> smtp)
{
    public bool EmailOn => smtp.Value.Enabled;

    /// <summary>"10 s, 1 min, 5 min, 15 min and 60 min".</summary>
    public string Delays => Join(hooks.Value.Schedule().Delays.Select(Delay).ToList());

    /// <summary>Attempts in all: the first and one retry per delay.</summary>
    public int MaxAttempts => hooks.Value.Schedule().MaxAttempts;

    /// <summary>What happens after the last failed attempt.</summary>
    public string AfterLastFailure => EmailOn
        ? "you get an in-app notification and an email"
        : "you get an in-app notification (email is off on this server: Smtp:Host is not set)";

    public static string Delay(TimeSpan delay) => delay switch
    {
        { TotalSeconds: < 1 } => $"{delay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms",
        { TotalSeconds: < 60 } => $"{delay.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s",
        _ when delay.Ticks % TimeSpan.TicksPerMinute == 0 && delay.TotalMinutes <= 60 => $"{delay.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min",
        _ when delay.Ticks % TimeSpan.TicksPerHour == 0 => $"{delay.TotalHours.ToString(CultureInfo.InvariantCulture)} h",
        _ when delay.Ticks % TimeSpan.TicksPerMinute == 0 => $"{delay.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min",
        _ => $"{delay.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s",
    };

    private static string Join(IReadOnlyList<string> parts) =>
        parts.Count <= 1 ? string.Concat(parts) : string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1];
}
