using Sluice.Core.Buffering;

namespace Sluice.Server.Buffering;

/// <summary>
/// The durable buffer of accepted records as the loader sees it: the pending ones (not yet loaded) and the raw archive of
/// loaded ones, kept for <c>Buffer:Retention</c> so a source can be rebuilt from them.
/// Appending is the ingest writer's job (<see cref="IIngestWriter"/>).
/// </summary>
public interface IRecordBuffer
{
    /// <summary>
    /// Reads a source's pending records with a sequence greater than <paramref name="afterSequence"/>, in sequence order,
    /// at most <paramref name="maxRecords"/> and, past the first record, at most <paramref name="maxBytes"/> of JSON.
    /// Each record carries the request headers kept with it (<see cref="BufferedRecord.Headers"/>).
    /// </summary>
    Task<IReadOnlyList<BufferedRecord>> ReadAsync(long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken);

    /// <summary>
    /// Removes a source's pending records with a sequence up to and including <paramref name="throughSequence"/> (after
    /// their load committed); returns how many. They move to the archive in the same transaction, unless the retention
    /// is zero, which deletes them.
    /// </summary>
    Task<long> DeleteThroughAsync(long sourceId, long throughSequence, CancellationToken cancellationToken);

    /// <summary>Every source that has pending records, with counts, bytes and the oldest and newest receive times.</summary>
    Task<IReadOnlyList<PendingSource>> GetPendingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Reads a source's archived (loaded, still retained) records with a sequence greater than <paramref name="afterSequence"/>,
    /// in sequence order, with the same limits as <see cref="ReadAsync"/>. Every archived sequence is below every pending one,
    /// so a rebuild reads these first, then the pending ones.
    /// </summary>
    Task<IReadOnlyList<BufferedRecord>> ReadArchivedAsync(long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken);

    /// <summary>What the archive holds for one source (zeros and no time when nothing).</summary>
    Task<ArchiveStats> GetArchiveAsync(long sourceId, CancellationToken cancellationToken);
}
