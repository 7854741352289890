using Sluice.Core.Tables;

namespace Sluice.Core.Loading;

/// <summary>
/// One account's warehouse (a DuckDB file or a PostgreSQL database). Names passed in are final destination names;
/// the destination quotes them. Bookkeeping tables live outside source schemas: <c>_sluice_checkpoints</c>
/// (source_id, sequence) and <c>_sluice_loads</c> (one row per load: load id, source id, schema, batched at,
/// min/max sequence, max received at, and the per-table stats as JSON) and <c>_sluice_versions</c> (source_id, table_version:
/// set by a reload), in schema <c>_sluice</c>.
/// </summary>
public interface IDestination : IAsyncDisposable
{
    /// <summary>The highest sequence of <paramref name="sourceId"/> already loaded, or 0.</summary>
    Task<long> GetCheckpointAsync(long sourceId, CancellationToken cancellationToken);

    /// <summary>The source's table version (the <c>_sdc_table_version</c> its rows get): 0 until a reload, one more after each.</summary>
    Task<long> GetTableVersionAsync(long sourceId, CancellationToken cancellationToken);

    /// <summary>The tables of <paramref name="schema"/> (not <c>_sdc_rejected</c>), with columns in table order; empty when the schema does not exist.</summary>
    Task<IReadOnlyList<TableSchema>> GetTablesAsync(string schema, CancellationToken cancellationToken);

    /// <summary>Commits the whole load in one transaction (see <see cref="LoadRequest"/>). Throws on any failure, leaving nothing behind.</summary>
    Task CommitLoadAsync(LoadRequest load, CancellationToken cancellationToken) => CommitLoadAsync(LoadParts.Of(load), cancellationToken);

    /// <summary>
    /// Commits one load made of consecutive parts of one source in ONE transaction: each part's schema changes, writes and
    /// rejections in the order the parts come (a part is asked for only once the one before it is written, so the caller
    /// can plan it meanwhile); then the last part's checkpoint and one <c>_sluice_loads</c> row with
    /// <see cref="LoadSummary.Combine"/> of the parts' summaries, which is returned. A destination's per-transaction cost
    /// (DuckDB: WAL and checkpoints of small commits; both: bookkeeping statements and the commit) is paid once per load
    /// instead of once per part. Throws on any failure, leaving nothing behind.
    /// </summary>
    Task<LoadSummary> CommitLoadAsync(IAsyncEnumerable<LoadRequest> parts, CancellationToken cancellationToken);

    /// <summary>Load summaries committed after <paramref name="after"/> (by batched-at), oldest first; for stats and the hook outbox.</summary>
    Task<IReadOnlyList<LoadSummary>> GetLoadsAsync(long? sourceId, DateTime after, int limit, CancellationToken cancellationToken);
}
