namespace Sluice.Server.Buffering;

/// <summary>
/// The queue in front of the buffer's writer (<see cref="GroupCommitWriter"/>), bound from the <c>Ingest</c> configuration
/// section: its key, <c>Ingest:QueueCapacity</c>, was documented there before the writer had options of its own, and is kept.
/// </summary>
public sealed class GroupCommitOptions
{
    public const string Section = "Ingest";

    /// <summary>
    /// Requests that may wait for the buffer writer at once (<c>Ingest:QueueCapacity</c>, default 1024). When the queue is
    /// full the endpoint answers 503 with <c>Retry-After</c> instead of accepting what cannot be stored in time.
    /// </summary>
    public int QueueCapacity { get; set; } = 1024;
}
