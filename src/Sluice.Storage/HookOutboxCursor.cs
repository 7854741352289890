namespace Sluice.Storage;

/// <summary>
/// How far the hook outbox has turned an account's committed loads into deliveries: loads batched at or before
/// <see cref="LastBatchedAt"/> are done. Moved in the same transaction as the deliveries it covers.
/// </summary>
public sealed class HookOutboxCursor
{
    public long AccountId { get; set; }

    public DateTime LastBatchedAt { get; set; }

    /// <summary>The last load processed, for the log; the outbox relies on <see cref="LastBatchedAt"/> and the unique key.</summary>
    public Guid? LastLoadId { get; set; }

    public DateTime UpdatedAt { get; set; }
}
