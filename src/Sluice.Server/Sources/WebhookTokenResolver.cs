using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Sluice.Core.Integrations;
using Sluice.Core.Sources;
using Sluice.Server.Ingestion;
using Sluice.Storage;

namespace Sluice.Server.Sources;

/// <summary>
/// Resolves webhook tokens for ingest. Live tokens are cached by hash for <see cref="CacheLifetime"/>; revoking a
/// token or pausing, resuming or deleting its source removes the entries in this process at once.
/// </summary>
public sealed class WebhookTokenResolver(IDbContextFactory<ControlDbContext> contexts, SigningSecrets secrets, TimeProvider time) : IWebhookTokenResolver
{
    /// <summary>How long a lookup is reused; bounds how late another node notices a change.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    private const int MaxCachedTokens = 100_000;

    private readonly ConcurrentDictionary<string, CachedTarget> cache = new(StringComparer.Ordinal);

    public ValueTask<WebhookTarget?> ResolveAsync(long clientId, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!SecretTokens.IsWebhookTokenShape(token))
        {
            return ValueTask.FromResult<WebhookTarget?>(null);
        }

        var now = time.GetUtcNow();
        if (TryGetCached(token, now, out var cached))
        {
            return ValueTask.FromResult(cached.ClientId == clientId ? cached : null);
        }

        return LoadAndCacheAsync(clientId, token, now, cancellationToken);
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

    /// <summary>
    /// The cached target of a live token, hashed without allocating (this runs on every ingest request). The token is
    /// 64 hex characters, so its UTF-8 bytes are its characters: the same hash as <see cref="SecretTokens.Hash"/>.
    /// </summary>
    private bool TryGetCached(string token, DateTimeOffset now, [NotNullWhen(true)] out WebhookTarget? target)
    {
        Span<byte> utf8 = stackalloc byte[SecretTokens.WebhookTokenLength];
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Span<char> hash = stackalloc char[SHA256.HashSizeInBytes * 2];
        var length = Encoding.ASCII.GetBytes(token, utf8);
        SHA256.HashData(utf8[..length], digest);
        Convert.TryToHexStringLower(digest, hash, out _);
        if (cache.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(hash, out var cached) && cached.ExpiresAt > now)
        {
            target = cached.Target;
            return true;
        }

        target = null;
        return false;
    }

    private async ValueTask<WebhookTarget?> LoadAndCacheAsync(long clientId, string token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hash = SecretTokens.Hash(token);
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

        cache[hash] = new CachedTarget(target, now + CacheLifetime);
        return target.ClientId == clientId ? target : null;
    }

    private async Task<WebhookTarget?> LoadAsync(string token, string hash, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await (
                from t in db.WebhookTokens.AsNoTracking()
                join s in db.Sources.AsNoTracking() on t.SourceId equals s.Id
                where t.TokenHash == hash && t.RevokedAt == null
                select new { t.TokenHash, s.AccountId, SourceId = s.Id, s.Type, s.PausedAt, s.DeletedAt, s.TableFrom, s.CaptureHeaders, s.MaxDepth, s.SigningSecret, s.PreviousSigningSecret, s.PreviousSigningSecretUntil })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null || !SecretTokens.Matches(token, row.TokenHash))
        {
            return null;
        }

        var integration = IntegrationCatalog.Find(row.Type);
        WebhookSecrets? live = null;
        if (row.SigningSecret is not null)
        {
            live = new WebhookSecrets(
                secrets.Reveal(row.SigningSecret), row.PreviousSigningSecret is null ? null : secrets.Reveal(row.PreviousSigningSecret), row.PreviousSigningSecretUntil);
        }

        return new WebhookTarget(
            row.AccountId, row.SourceId, row.PausedAt is null && row.DeletedAt is null, StoredLayout.Of(row.TableFrom, row.CaptureHeaders, row.MaxDepth))
        {
            Integration = integration?.Name == IntegrationCatalog.IncomingWebhook ? null : integration,
            Secrets = live,
        };
    }

    /// <summary>One UPDATE per refused request: refusals are rare for a provider that signs correctly, and each is worth seeing.</summary>
    public async Task NoteSignatureRefusedAsync(long sourceId, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var now = ControlClock.Now(time);
        var shown = reason.Length > 500 ? reason[..500] : reason;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Sources.Where(s => s.Id == sourceId).ExecuteUpdateAsync(
            u => u.SetProperty(s => s.SignatureRefusals, s => s.SignatureRefusals + 1)
                .SetProperty(s => s.LastSignatureRefusalAt, now)
                .SetProperty(s => s.LastSignatureRefusal, shown),
            cancellationToken);
    }

    private sealed record CachedTarget(WebhookTarget Target, DateTimeOffset ExpiresAt);
}
