using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sluice.Storage;

namespace Sluice.Server.Loading;

/// <summary>Which node loads a source: a source is loaded by the node holding its lease, one node at a time.</summary>
public interface ISourceLeases
{
    /// <summary>This node, as a lease names it.</summary>
    string Holder { get; }

    /// <summary>Takes (or keeps) the lease of <paramref name="sourceId"/>; false when another node holds it.</summary>
    Task<bool> TryAcquireAsync(long sourceId, CancellationToken cancellationToken);

    /// <summary>Extends this node's lease; false when it is no longer this node's (another node took it after it lapsed).</summary>
    Task<bool> RenewAsync(long sourceId, CancellationToken cancellationToken);

    /// <summary>Gives the lease up, so another node may take the source at once.</summary>
    Task ReleaseAsync(long sourceId, CancellationToken cancellationToken);
}

/// <summary>One node (the SQLite buffer): it loads every source; nothing to hold.</summary>
public sealed class SingleNodeLeases : ISourceLeases
{
    public string Holder => Environment.MachineName;

    public Task<bool> TryAcquireAsync(long sourceId, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<bool> RenewAsync(long sourceId, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task ReleaseAsync(long sourceId, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Leases in the control plane's <c>source_leases</c> (PostgreSQL), each operation one atomic statement on the database's
/// clock, so the nodes' clocks need not agree. A lease lasts <see cref="LoadingOptions.LeaseTimeout"/> from its last renewal.
/// </summary>
public sealed class ControlPlaneSourceLeases(IDbContextFactory<ControlDbContext> contexts, IOptions<LoadingOptions> options) : ISourceLeases
{
    public string Holder { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    private double Seconds => options.Value.LeaseTimeout.TotalSeconds;

    public async Task<bool> TryAcquireAsync(long sourceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var taken = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO source_leases (source_id, holder, acquired_at, expires_at)
            VALUES ({sourceId}, {Holder}, clock_timestamp(), clock_timestamp() + make_interval(secs => {Seconds}))
            ON CONFLICT (source_id) DO UPDATE SET
                holder = excluded.holder,
                acquired_at = CASE WHEN source_leases.holder = excluded.holder THEN source_leases.acquired_at ELSE excluded.acquired_at END,
                expires_at = excluded.expires_at
            WHERE source_leases.holder = excluded.holder OR source_leases.expires_at < clock_timestamp()
            """,
            cancellationToken);
        return taken == 1;
    }

    public async Task<bool> RenewAsync(long sourceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var renewed = await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE source_leases SET expires_at = clock_timestamp() + make_interval(secs => {Seconds}) WHERE source_id = {sourceId} AND holder = {Holder}",
            cancellationToken);
        return renewed == 1;
    }

    public async Task ReleaseAsync(long sourceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM source_leases WHERE source_id = {sourceId} AND holder = {Holder}", cancellationToken);
    }
}
