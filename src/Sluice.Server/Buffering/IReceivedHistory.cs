namespace Sluice.Server.Buffering;

/// <summary>
/// A buffer that can say how many records each source received per minute, from what it still holds: the pending records and
/// the raw archive (kept for <see cref="BufferOptions.Retention"/>; with a shorter retention the older minutes are missing).
/// </summary>
public interface IReceivedHistory
{
    /// <summary>Records of <paramref name="sourceIds"/> received at or after <paramref name="since"/>, per source and UTC minute.</summary>
    Task<IReadOnlyList<ReceivedCount>> GetReceivedAsync(IReadOnlyCollection<long> sourceIds, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// The newest records of one source (pending first, then archived), newest first, at most <paramref name="limit"/>, with the
    /// headers kept with them.
    /// </summary>
    Task<IReadOnlyList<Core.Buffering.BufferedRecord>> GetNewestAsync(long sourceId, int limit, CancellationToken cancellationToken);
}

/// <summary>How many records a source received in the minute starting at <paramref name="Minute"/> (UTC).</summary>
public sealed record ReceivedCount(long SourceId, DateTimeOffset Minute, long Records);
