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

    /// <summary>
    /// Requests in flight to one hook at most: a slow or dead endpoint uses only its own slots, never another hook's.
    /// Default 16 (connections are pooled and kept alive per endpoint).
    /// </summary>
    public int MaxConcurrencyPerHook { get; set; } = 16;

    /// <summary>Deliveries claimed (and outcomes written) per control-plane transaction. Default 256.</summary>
    public int DispatchBatchSize { get; set; } = 256;

    /// <summary>
    /// How often the dispatcher looks for due deliveries when nothing woke it (it is woken at once by the outbox, replays and
    /// its own schedule; the poll catches deliveries added by another node). Default 1 s.
    /// </summary>
    public TimeSpan DispatchPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// At shutdown, how long the emails about deliveries that failed for good may still take to go out; those not sent by
    /// then are logged (their in-app notification exists). Default 5 s, within the host's 30 s shutdown timeout.
    /// </summary>
    public TimeSpan ShutdownMailGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the outbox looks for committed loads it has not turned into deliveries (after a crash). Default 1 s.</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How far before its cursor the outbox re-reads loads: a load is stamped when it starts and can commit after a later
    /// one, so the window catches it; the unique delivery key makes the re-reading harmless. Default 2 min.
    /// </summary>
    public TimeSpan OutboxLookback { get; set; } = TimeSpan.FromMinutes(2);
}
