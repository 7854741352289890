using Sluice.Core.Loading;
using Sluice.Core.Tables;

namespace Sluice.Bench;

/// <summary>The real destination, with the time of each call added to <see cref="LoadTimings"/>; behaviour unchanged.</summary>
public sealed class TimedDestination(IDestination inner, LoadTimings timings) : IDestination
{
    public IDestination Inner => inner;

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

    public async Task CommitLoadAsync(LoadRequest load, CancellationToken cancellationToken)
    {
        timings.CommitStarting();
        var start = LoadTimings.Now;
        await inner.CommitLoadAsync(load, cancellationToken);
        timings.Committed(start);
    }

    public Task<IReadOnlyList<LoadSummary>> GetLoadsAsync(long? sourceId, DateTime after, int limit, CancellationToken cancellationToken) =>
        inner.GetLoadsAsync(sourceId, after, limit, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
