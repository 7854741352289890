namespace Sluice.Server.Ingestion;

/// <summary>
/// Limits of the ingest endpoint, bound from the <c>Ingest</c> configuration section. The section's
/// <c>Ingest:QueueCapacity</c> belongs to the buffer's writer (<see cref="Buffering.GroupCommitOptions"/>).
/// </summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Bodies of this many bytes or more are refused with 413. Default 20 MB (20,971,520 bytes).</summary>
    public int MaxBodyBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>JSON nested deeper than this many levels is refused with 400. Default 64.</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>
    /// The most UTF-8 bytes of one request header a source keeps with its records (<c>capture_headers</c>, a
    /// <c>header:</c> <c>table_from</c>), after joining a repeated header's values with <c>", "</c>. A longer value is refused
    /// with 400 naming the header; nothing is stored and nothing is cut. Default 8192 (8 KiB).
    /// </summary>
    public int MaxHeaderBytes { get; set; } = 8 * 1024;

    /// <summary>What <c>Retry-After</c> says when the writer's queue is full. Default 1 second.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
