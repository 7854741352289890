using Sluice.Core.Loading;
using Sluice.Core.Tables;

namespace Sluice.Bench;

/// <summary>The real destination, with the time of each call added to <see cref="LoadTimings"/>; behaviour unchanged.</summary>
public sealed class TimedDestination(IDestination inner, LoadTimings timings) : IDestination
{
    public IDestination Inner => inner;

    public async Task<long> GetTableVersionAsync(long sourceId, CancellationToken cancellationToken)
    {
        var start = LoadTimings.Now;
        var version = await inner.GetTableVersionAsync(sourceId, cancellationToken);
        timings.Checkpoint(start);
        return version;
    }

    public async Task<long> GetCheckpointAsync(long sourceId, CancellationToken cancellationToken)
    {
        var start = LoadTimings.Now;
        var checkpoint = await inner.GetCheckpointAsync(sourceId, cancellationToken);
        timings.Checkpoint(start);
        return checkpoint;
    }

    public async Task<IReadOnlyList<TableSchema>> GetTablesAsync(string schema, CancellationToken cancellationToken)
    {
        var start = LoadTimings.Now;
        var tables = await inner.GetTablesAsync(schema, cancellationToken);
        timings.Tables(start);
        return tables;
    }

    /// <summary>Commit time is the destination's: the time spent waiting for the caller to plan the next part is left out.</summary>
    public async Task<LoadSummary> CommitLoadAsync(IAsyncEnumerable<LoadRequest> parts, CancellationToken cancellationToken)
    {
        var start = LoadTimings.Now;
        var waited = 0L;
        async IAsyncEnumerable<LoadRequest> Timed()
        {
            await using var enumerator = parts.GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                var asked = LoadTimings.Now;
                var more = await enumerator.MoveNextAsync();
                waited += LoadTimings.Now - asked;
                if (!more)
                {
                    yield break;
                }

                yield return enumerator.Current;
            }
        }

        var summary = await inner.CommitLoadAsync(Timed(), cancellationToken);
        timings.Committed(start + waited);
        return summary;
    }

    public Task<IReadOnlyList<LoadSummary>> GetLoadsAsync(long? sourceId, DateTime after, int limit, CancellationToken cancellationToken) =>
        inner.GetLoadsAsync(sourceId, after, limit, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
