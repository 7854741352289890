using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Sluice.Storage;

namespace Sluice.Server.Loading;

/// <summary>
/// Sources for the loader, from the control plane. Deleted sources are included: what was acknowledged before the delete
/// still loads. Account, schema and primary key never change, so a source is read once.
/// </summary>
public sealed class ControlPlaneLoadTargets(IDbContextFactory<ControlDbContext> contexts) : ILoadTargetCatalog
{
    private readonly ConcurrentDictionary<long, LoadTarget> _cache = new();

    public async ValueTask<LoadTarget?> GetAsync(long sourceId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(sourceId, out var cached))
        {
            return cached;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var target = await db.Sources.AsNoTracking()
            .Where(s => s.Id == sourceId)
            .Select(s => new LoadTarget(s.Id, s.AccountId, s.Name, s.PrimaryKey))
            .FirstOrDefaultAsync(cancellationToken);
        return target is null ? null : _cache.GetOrAdd(sourceId, target);
    }

    // TEMPORARY until the control-plane branch lands: no reload requests are stored yet.
    public ValueTask<IReadOnlyList<LoadTarget>> GetReloadsRequestedAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<LoadTarget>>([]);

    public ValueTask CompleteReloadAsync(long sourceId, DateTime requestedAt, ReloadOutcome outcome, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;
}
