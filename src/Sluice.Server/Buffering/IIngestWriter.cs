using Sluice.Core.Buffering;

namespace Sluice.Server.Buffering;

/// <summary>
/// Appends the records of one request to the durable buffer. The returned task completes only after the records are
/// committed and fsync'd (group commit: one fsync serves every request waiting at that moment).
/// </summary>
public interface IIngestWriter
{
    /// <summary>
    /// Appends <paramref name="records"/> (raw JSON object texts, in order) for <paramref name="sourceId"/>, each kept with
    /// <paramref name="headers"/>: the request headers the source keeps (lowercased name to value, a header sent several
    /// times joined with <c>", "</c>), shared by every record of the request; null or empty keeps none and costs nothing.
    /// Sequences are assigned by the writer: epoch nanoseconds, strictly increasing per source, array order kept.
    /// No records complete at once. Once accepted into the queue the append is not cancelled: the task completes when
    /// the records are durable (or the commit failed), so the buffer behind <paramref name="records"/> may be reused then.
    /// </summary>
    /// <returns><see cref="AppendOutcome.Accepted"/> once durable, or why nothing was acknowledged.</returns>
    ValueTask<AppendOutcome> AppendAsync(long sourceId, Utf8Records records, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken);
}

public enum AppendOutcome
{
    /// <summary>Committed and fsync'd.</summary>
    Accepted,

    /// <summary>The bounded queue in front of the writer is full; nothing was stored. Answer 503 with Retry-After.</summary>
    Overloaded,

    /// <summary>The buffer cannot be reached or refused the write (a JetStream buffer without a quorum); nothing acknowledged. Answer 503 with Retry-After.</summary>
    Unavailable,

    /// <summary>One record is larger than the buffer takes in one message (the NATS servers' <c>max_payload</c>); nothing was stored. Answer 413.</summary>
    TooLarge,
}
