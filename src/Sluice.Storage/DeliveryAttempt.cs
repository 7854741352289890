namespace Sluice.Storage;

/// <summary>One HTTP attempt of a <see cref="Delivery"/>, for the delivery log.</summary>
public sealed class DeliveryAttempt
{
    public long Id { get; set; }

    public long DeliveryId { get; set; }

    /// <summary>1 for the first attempt, then 2.. for retries.</summary>
    public int Number { get; set; }

    public DateTime StartedAt { get; set; }

    public long DurationMs { get; set; }

    /// <summary>The response status, or null when there was no response (refused, timed out, blocked).</summary>
    public int? StatusCode { get; set; }

    /// <summary>What went wrong, or null on a 2xx.</summary>
    public string? Error { get; set; }
}
