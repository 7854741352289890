using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Sluice.Server.Sources;
using Sluice.Storage;

namespace Sluice.Server.Loading;

/// <summary>
/// Sources for the loader, from the control plane. Deleted sources are included: what was acknowledged before the delete
/// still loads. A source is read again after <see cref="CacheLifetime"/>, so a layout changed by <c>PUT</c> applies to the
/// loads that start after it.
/// </summary>
public sealed class ControlPlaneLoadTargets(IDbContextFactory<ControlDbContext> contexts, TimeProvider time) : ILoadTargetCatalog
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<long, (LoadTarget Target, DateTimeOffset ReadAt)> _cache = new();

    public async ValueTask<LoadTarget?> GetAsync(long sourceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(sourceId, out var cached) && now - cached.ReadAt < CacheLifetime)
        {
            return cached.Target;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var source = await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sourceId, cancellationToken);
        if (source is null)
        {
            return null;
        }

        var target = ToTarget(source);
        _cache[sourceId] = (target, now);
        return target;
    }

    public async ValueTask<IReadOnlyList<LoadTarget>> GetReloadsRequestedAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var sources = await db.Sources.AsNoTracking()
            .Where(s => s.ReloadRequestedAt != null && s.DeletedAt == null)
            .ToListAsync(cancellationToken);
        return sources.OrderBy(s => s.ReloadRequestedAt).Select(ToTarget).ToList();
    }

    public async ValueTask CompleteReloadAsync(long sourceId, DateTime requestedAt, ReloadOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var source = await db.Sources.FirstOrDefaultAsync(s => s.Id == sourceId, cancellationToken);
        if (source is null)
        {
            return;
        }

        // A request made while this reload ran stays, and runs again.
        if (source.ReloadRequestedAt == requestedAt)
        {
            source.ReloadRequestedAt = null;
        }

        source.LastReloadAt = outcome.CompletedAt;
        source.LastReloadRefused = outcome.Refused;
        if (outcome.Refused is null)
        {
            source.LastReloadVersion = outcome.TableVersion;
            source.LastReloadRecords = outcome.Records;
            source.LastReloadRecovered = outcome.Recovered;
        }

        await db.SaveChangesAsync(cancellationToken);
        _cache.TryRemove(sourceId, out _);
    }

    private static LoadTarget ToTarget(Source s) =>
        new(s.Id, s.AccountId, s.Name, s.PrimaryKey, StoredLayout.Of(s.TableFrom, s.CaptureHeaders, s.MaxDepth), s.ReloadRequestedAt);
}
