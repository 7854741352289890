namespace Sluice.Core.Buffering;

/// <summary>
/// Appends the records of one request to the durable buffer. The returned task completes only after the records are
/// committed and fsync'd (group commit: one fsync serves every request waiting at that moment).
/// </summary>
public interface IIngestWriter
{
    /// <summary>
    /// Appends <paramref name="recordsJson"/> (raw JSON object texts, in order) for <paramref name="sourceId"/>.
    /// Sequences are assigned by the writer: epoch nanoseconds, strictly increasing per source, array order kept.
    /// An empty list completes at once.
    /// </summary>
    /// <returns><see cref="AppendOutcome.Accepted"/> once durable, or <see cref="AppendOutcome.Overloaded"/> when the writer's queue is full.</returns>
    ValueTask<AppendOutcome> AppendAsync(long sourceId, IReadOnlyList<string> recordsJson, CancellationToken cancellationToken);
}

public enum AppendOutcome
{
    /// <summary>Committed and fsync'd.</summary>
    Accepted,

    /// <summary>The bounded queue in front of the writer is full; nothing was stored. Answer 503 with Retry-After.</summary>
    Overloaded,
}
