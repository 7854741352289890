using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Sluice.Core.Sources;
using Sluice.Server.Ingestion;
using Sluice.Storage;

namespace Sluice.Server.Accounts;

/// <summary>
/// Resolves webhook tokens for ingest. Live tokens are cached by hash for <see cref="CacheLifetime"/>; revoking a
/// token or pausing, resuming or deleting its source removes the entries in this process at once.
/// </summary>
public sealed class WebhookTokenResolver(IDbContextFactory<ControlDbContext> contexts, TimeProvider time) : IWebhookTokenResolver
{
    /// <summary>How long a lookup is reused; bounds how late another node notices a change.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    private const int MaxCachedTokens = 100_000;

    private readonly ConcurrentDictionary<string, CachedTarget> cache = new(StringComparer.Ordinal);

    public async ValueTask<WebhookTarget?> ResolveAsync(long clientId, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!SecretTokens.IsWebhookTokenShape(token))
        {
            return null;
        }

        var hash = SecretTokens.Hash(token);
        var now = time.GetUtcNow();
        if (!cache.TryGetValue(hash, out var cached) || cached.ExpiresAt <= now)
        {
            var target = await LoadAsync(token, hash, cancellationToken);
            if (target is null)
            {
                // Unknown tokens are not cached: anyone can send them, and they must not fill memory.
                return null;
            }

            if (cache.Count >= MaxCachedTokens)
            {
                cache.Clear();
            }

            cached = new CachedTarget(target, now + CacheLifetime);
            cache[hash] = cached;
        }

        return cached.Target.ClientId == clientId ? cached.Target : null;
    }

    /// <summary>Forgets the cached token with this hash (after a revocation).</summary>
    public void InvalidateToken(string tokenHash) => cache.TryRemove(tokenHash, out _);

    /// <summary>Forgets every cached token of the source (after pause, resume or delete).</summary>
    public void InvalidateSource(long sourceId)
    {
        foreach (var entry in cache)
        {
            if (entry.Value.Target.SourceId == sourceId)
            {
                cache.TryRemove(entry.Key, out _);
            }
        }
    }

    private async Task<WebhookTarget?> LoadAsync(string token, string hash, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await (
                from t in db.WebhookTokens.AsNoTracking()
                join s in db.Sources.AsNoTracking() on t.SourceId equals s.Id
                where t.TokenHash == hash && t.RevokedAt == null
                select new { t.TokenHash, s.AccountId, SourceId = s.Id, s.PausedAt, s.DeletedAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null || !SecretTokens.Matches(token, row.TokenHash))
        {
            return null;
        }

        return new WebhookTarget(row.AccountId, row.SourceId, row.PausedAt is null && row.DeletedAt is null);
    }

    private sealed record CachedTarget(WebhookTarget Target, DateTimeOffset ExpiresAt);
}
