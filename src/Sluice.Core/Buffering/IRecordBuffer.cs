namespace Sluice.Core.Buffering;

/// <summary>
/// The durable buffer of accepted, not yet loaded records, as the loader sees it.
/// Appending is the ingest writer's job (<see cref="IIngestWriter"/>).
/// </summary>
public interface IRecordBuffer
{
    /// <summary>
    /// Reads a source's records with a sequence greater than <paramref name="afterSequence"/>, in sequence order,
    /// at most <paramref name="maxRecords"/> and, past the first record, at most <paramref name="maxBytes"/> of JSON.
    /// </summary>
    Task<IReadOnlyList<BufferedRecord>> ReadAsync(long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Deletes a source's records with a sequence up to and including <paramref name="throughSequence"/>; returns how many.</summary>
    Task<long> DeleteThroughAsync(long sourceId, long throughSequence, CancellationToken cancellationToken);

    /// <summary>Every source that has records in the buffer, with counts, bytes and the oldest and newest receive times.</summary>
    Task<IReadOnlyList<PendingSource>> GetPendingAsync(CancellationToken cancellationToken);
}
