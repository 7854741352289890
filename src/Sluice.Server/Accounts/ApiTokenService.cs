using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Sluice.Core.Sources;
using Sluice.Storage;

namespace Sluice.Server.Accounts;

/// <summary>
/// API tokens of an account: create (shown once), list, revoke, and authenticate a bearer token. Lookups are cached
/// for <see cref="CacheLifetime"/>; a revocation in this process removes the cached entry at once.
/// </summary>
public sealed class ApiTokenService(IDbContextFactory<ControlDbContext> contexts, TimeProvider time)
{
    /// <summary>How long a successful lookup is reused; bounds how late another node notices a revocation.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    private const int MaxCachedTokens = 10_000;

    private readonly ConcurrentDictionary<string, CachedPrincipal> cache = new(StringComparer.Ordinal);

    public async Task<ApiPrincipal?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!SecretTokens.IsApiTokenShape(token))
        {
            return null;
        }

        var hash = SecretTokens.Hash(token);
        var now = time.GetUtcNow();
        if (cache.TryGetValue(hash, out var cached) && cached.ExpiresAt > now)
        {
            return cached.Principal;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.RevokedAt == null)
            .Select(t => new { t.Id, t.AccountId, t.TokenHash })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null || !SecretTokens.Matches(token, row.TokenHash))
        {
            return null;
        }

        var principal = new ApiPrincipal(row.AccountId, row.Id);
        if (cache.Count >= MaxCachedTokens)
        {
            cache.Clear();
        }

        cache[hash] = new CachedPrincipal(principal, now + CacheLifetime);
        return principal;
    }

    public async Task<CreatedApiToken> CreateAsync(long clientId, string? name, CancellationToken cancellationToken)
    {
        var token = SecretTokens.NewApiToken();
        var row = new ApiToken
        {
            AccountId = clientId,
            Name = string.IsNullOrWhiteSpace(name) ? null : name.Trim(),
            TokenHash = SecretTokens.Hash(token),
            Hint = SecretTokens.Hint(token),
            CreatedAt = ControlClock.Now(time),
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ApiTokens.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiToken(row, token);
    }

    /// <summary>Live tokens of the account, oldest first.</summary>
    public async Task<IReadOnlyList<ApiToken>> ListAsync(long clientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ApiTokens.AsNoTracking()
            .Where(t => t.AccountId == clientId && t.RevokedAt == null)
            .OrderBy(t => t.Id)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Revokes a live token of the account. Refuses to revoke the last one, which would lock the account out.</summary>
    public async Task<ControlPlaneResult<ApiToken>> RevokeAsync(long clientId, long tokenId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId && t.AccountId == clientId && t.RevokedAt == null, cancellationToken);
        if (row is null)
        {
            return ControlPlaneError.NotFound($"API token {tokenId} was not found among this account's live tokens.");
        }

        var live = await db.ApiTokens.CountAsync(t => t.AccountId == clientId && t.RevokedAt == null, cancellationToken);
        if (live <= 1)
        {
            return ControlPlaneError.Conflict(
                $"API token {tokenId} is this account's only live token; create another (POST /v4/tokens) before revoking it.");
        }

        row.RevokedAt = ControlClock.Now(time);
        await db.SaveChangesAsync(cancellationToken);
        cache.TryRemove(row.TokenHash, out _);
        return row;
    }

    private sealed record CachedPrincipal(ApiPrincipal Principal, DateTimeOffset ExpiresAt);
}
