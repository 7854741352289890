namespace Sluice.Core.Loading;

/// <summary>
/// A destination that answers ad-hoc read-only queries (<c>POST /v4/query</c>, <c>sluice query</c>).
/// Exactly one read-only statement runs; writes, file access and other databases are refused.
/// </summary>
public interface IQueryableDestination
{
    /// <summary>
    /// Runs <paramref name="sql"/> and returns at most <paramref name="maxRows"/> rows. A refused or failing statement is a
    /// value (<see cref="QueryResult.Error"/>); an unreachable destination throws <see cref="DestinationException"/>.
    /// </summary>
    Task<QueryResult> QueryAsync(string sql, int maxRows, CancellationToken cancellationToken);
}
