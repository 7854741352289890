namespace Sluice.Storage;

/// <summary>
/// One post-load payload to send to one hook: written by the hook outbox from a committed load, sent (and retried) by the
/// dispatcher. Unique per (hook, load, root table) unless it is a replay, so re-reading a load never sends it twice.
/// </summary>
public sealed class Delivery
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    public long Id { get; set; }

    public long AccountId { get; set; }

    public long HookId { get; set; }

    /// <summary>The Standard Webhooks <c>webhook-id</c> (<c>msg_...</c>): the same on every attempt, so receivers can drop duplicates.</summary>
    public required string WebhookId { get; set; }

    public Guid LoadId { get; set; }

    public long SourceId { get; set; }

    /// <summary>The destination root table the payload is about.</summary>
    public required string RootTable { get; set; }

    /// <summary>The request body, exactly as sent (JSON).</summary>
    public required string Payload { get; set; }

    /// <summary><see cref="Pending"/>, <see cref="Succeeded"/> or <see cref="Failed"/>.</summary>
    public required string Status { get; set; }

    /// <summary>Attempts made so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When the next attempt is due; null once the delivery is complete.</summary>
    public DateTime? NextAttemptAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    /// <summary>The delivery this one sends again (a replay), or null.</summary>
    public long? ReplayOfDeliveryId { get; set; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the load that made this delivery (its span), when the load was traced: every attempt is
    /// traced as a child of it, so one trace shows a load and its deliveries. Null when tracing was off, or for loads the
    /// outbox poll found rather than the loader's signal.
    /// </summary>
    public string? TraceParent { get; set; }
}
