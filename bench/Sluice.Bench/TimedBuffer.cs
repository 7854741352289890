using Sluice.Core.Buffering;
using Sluice.Server.Buffering;

namespace Sluice.Bench;

/// <summary>The real buffer, with the time of each call added to <see cref="LoadTimings"/>; behaviour unchanged.</summary>
public sealed class TimedBuffer(IRecordBuffer inner, LoadTimings timings) : IRecordBuffer
{
    public async Task<IReadOnlyList<BufferedRecord>> ReadAsync(long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken)
    {
        var start = LoadTimings.Now;
        var records = await inner.ReadAsync(sourceId, afterSequence, maxRecords, maxBytes, cancellationToken);
        timings.Read(start);
        return records;
    }

    public async Task<long> DeleteThroughAsync(long sourceId, long throughSequence, CancellationToken cancellationToken)
    {
        var start = LoadTimings.Now;
        var deleted = await inner.DeleteThroughAsync(sourceId, throughSequence, cancellationToken);
        timings.Delete(start);
        return deleted;
    }

    public async Task<IReadOnlyList<PendingSource>> GetPendingAsync(CancellationToken cancellationToken)
    {
        var start = LoadTimings.Now;
        var pending = await inner.GetPendingAsync(cancellationToken);
        timings.Pending(start);
        return pending;
    }

    public Task<IReadOnlyList<BufferedRecord>> ReadArchivedAsync(long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken) =>
        inner.ReadArchivedAsync(sourceId, afterSequence, maxRecords, maxBytes, cancellationToken);

    public Task<ArchiveStats> GetArchiveAsync(long sourceId, CancellationToken cancellationToken) => inner.GetArchiveAsync(sourceId, cancellationToken);
}
