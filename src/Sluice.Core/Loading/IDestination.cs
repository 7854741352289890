using Sluice.Core.Tables;

namespace Sluice.Core.Loading;

/// <summary>
/// One account's warehouse (a DuckDB file or a PostgreSQL database). Names passed in are final destination names;
/// the destination quotes them. Bookkeeping tables live outside source schemas: <c>_sluice_checkpoints</c>
/// (source_id, sequence) and <c>_sluice_loads</c> (one row per load: load id, source id, schema, batched at,
/// min/max sequence, max received at, and the per-table stats as JSON), in schema <c>_sluice</c>.
/// </summary>
public interface IDestination : IAsyncDisposable
{
    /// <summary>The highest sequence of <paramref name="sourceId"/> already loaded, or 0.</summary>
    Task<long> GetCheckpointAsync(long sourceId, CancellationToken cancellationToken);

    /// <summary>The tables of <paramref name="schema"/> (not <c>_sdc_rejected</c>), with columns in table order; empty when the schema does not exist.</summary>
    Task<IReadOnlyList<TableSchema>> GetTablesAsync(string schema, CancellationToken cancellationToken);

    /// <summary>Commits the whole load in one transaction (see <see cref="LoadRequest"/>). Throws on any failure, leaving nothing behind.</summary>
    Task CommitLoadAsync(LoadRequest load, CancellationToken cancellationToken);

    /// <summary>Load summaries committed after <paramref name="after"/> (by batched-at), oldest first; for stats and the hook outbox.</summary>
    Task<IReadOnlyList<LoadSummary>> GetLoadsAsync(long? sourceId, DateTime after, int limit, CancellationToken cancellationToken);
}
