using Sluice.Core.Hooks;

namespace Sluice.Server.Hooks;

/// <summary>Post-load hooks: URLs allowed, delivery schedule, outbound safety. Section <c>Hooks</c>.</summary>
public sealed class HooksOptions
{
    public const string Section = "Hooks";

    /// <summary>Hooks per account (BEHAVIOUR.md §6.1). Fixed by the documented contract, not configurable.</summary>
    public const int MaxHooksPerAccount = 10;

    /// <summary>
    /// Waits before each retry, persisted per delivery. Default (null) 10 s, 1 min, 5 min, 15 min, 60 min: five retries.
    /// Null rather than pre-filled because configuration binding appends to an existing list.
    /// </summary>
    public List<TimeSpan>? RetryDelays { get; set; }

    public RetrySchedule Schedule() => new(RetryDelays is { Count: > 0 } delays ? delays : Sluice.Core.Hooks.RetrySchedule.DefaultDelays);

    /// <summary>How long an attempt waits for a response. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Allow hook URLs that resolve to loopback, private, link-local or metadata addresses (tests, private networks). Default false.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Accept <c>http://</c> hook URLs as well as <c>https://</c> (development and tests only). Default false.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>A PEM file with an extra CA certificate trusted for hook URLs (development). Default none.</summary>
    public string? TrustedCertificatePath { get; set; }

    /// <summary>How often the outbox looks for committed loads it has not turned into deliveries (after a crash). Default 1 s.</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How far before its cursor the outbox re-reads loads: a load is stamped when it starts and can commit after a later
    /// one, so the window catches it; the unique delivery key makes the re-reading harmless. Default 2 min.
    /// </summary>
    public TimeSpan OutboxLookback { get; set; } = TimeSpan.FromMinutes(2);
}
