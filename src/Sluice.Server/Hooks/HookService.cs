using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Sluice.Server.Deliveries;
using Sluice.Storage;

namespace Sluice.Server.Hooks;

/// <summary>
/// An account's post-load hooks and their delivery logs. Every query is scoped by account: another account's ids behave
/// exactly like unknown ones.
/// </summary>
public sealed class HookService(
    IDbContextFactory<ControlDbContext> contexts,
    HookSecretProtector secrets,
    HookDispatchSignal dispatch,
    TimeProvider time,
    IOptions<HooksOptions> options)
{
    public const int DeliveryPageSize = 20;

    // One creation at a time, so two concurrent requests cannot both take the 10th place.
    private readonly SemaphoreSlim _createLock = new(1, 1);

    public async Task<IReadOnlyList<Hook>> ListAsync(long clientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Hooks.AsNoTracking().Where(h => h.AccountId == clientId).OrderBy(h => h.Id).ToListAsync(cancellationToken);
    }

    public async Task<Hook?> GetAsync(long clientId, long hookId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Hooks.AsNoTracking().FirstOrDefaultAsync(h => h.Id == hookId && h.AccountId == clientId, cancellationToken);
    }

    /// <summary>Whether <paramref name="url"/> is an absolute https URL (or http when <see cref="HooksOptions.AllowHttp"/>).</summary>
    public bool IsAllowedUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && !string.IsNullOrEmpty(uri.Host)
        && (uri.Scheme == Uri.UriSchemeHttps || (options.Value.AllowHttp && uri.Scheme == Uri.UriSchemeHttp));

    /// <summary>What a URL refused as <see cref="HookRefusal.InvalidUri"/> must look like, naming the setting that allows http.</summary>
    public string UrlRule(string url) =>
        (options.Value.AllowHttp
            ? "A hook URL must be an absolute http:// or https:// URL with a host"
            : "A hook URL must be an absolute https:// URL with a host (http:// only with Hooks:AllowHttp=true, for development)")
        + $", such as https://hooks.example.com/loaded; got: {url}";

    /// <summary>Creates an enabled hook and its signing secret, returned only here.</summary>
    public async Task<(Hook? Hook, string? Secret, HookRefusal Refusal)> CreateAsync(
        long clientId, long destinationId, string url, CancellationToken cancellationToken)
    {
        if (!IsAllowedUrl(url))
        {
            return (null, null, HookRefusal.InvalidUri);
        }

        await _createLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (!await db.Destinations.AnyAsync(d => d.Id == destinationId && d.AccountId == clientId, cancellationToken))
            {
                return (null, null, HookRefusal.InvalidBody);
            }

            var hooks = await db.Hooks.Where(h => h.AccountId == clientId).Select(h => h.DisabledAt).ToListAsync(cancellationToken);
            if (hooks.Count >= HooksOptions.MaxHooksPerAccount)
            {
                return (null, null, HookRefusal.LimitReached);
            }

            var now = ControlClock.Now(time);
            var secret = Core.Hooks.HookSignature.NewSecret();
            var hook = new Hook
            {
                AccountId = clientId,
                DestinationId = destinationId,
                Type = Hook.PostLoadType,
                Url = url,
                ProtectedSecret = secrets.Protect(secret),
                CreatedAt = now,
                ModifiedAt = now,
            };
            db.Hooks.Add(hook);
            if (hooks.All(disabledAt => disabledAt is not null))
            {
                await HookOutbox.StartCursorAsync(db, clientId, now, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            return (hook, secret, HookRefusal.None);
        }
        finally
        {
            _createLock.Release();
        }
    }

    /// <summary>Enables or disables a hook; <c>modified_at</c> (and <c>disabled_at</c> when disabling) become the same instant.</summary>
    public async Task<Hook?> SetEnabledAsync(long clientId, long hookId, bool enable, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var hook = await db.Hooks.FirstOrDefaultAsync(h => h.Id == hookId && h.AccountId == clientId, cancellationToken);
        if (hook is null)
        {
            return null;
        }

        var now = ControlClock.Now(time);
        if (enable && hook.DisabledAt is not null
            && !await db.Hooks.AnyAsync(h => h.AccountId == clientId && h.DisabledAt == null, cancellationToken))
        {
            await HookOutbox.StartCursorAsync(db, clientId, now, cancellationToken);
        }

        hook.DisabledAt = enable ? null : now;
        hook.ModifiedAt = now;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        if (!enable)
        {
            // A disabled hook gets nothing more: its pending deliveries (retries included) end here, without email.
            await db.Deliveries.Where(d => d.HookId == hookId && d.Status == Delivery.Pending).ExecuteUpdateAsync(
                s => s.SetProperty(d => d.Status, Delivery.Failed)
                    .SetProperty(d => d.NextAttemptAt, (DateTime?)null)
                    .SetProperty(d => d.CompletedAt, now)
                    .SetProperty(d => d.LastError, DeliveryStore.DisabledHookError),
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return hook;
    }

    /// <summary>Deletes a hook with its delivery log; false when the account has no such hook.</summary>
    public async Task<bool> DeleteAsync(long clientId, long hookId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var hook = await db.Hooks.FirstOrDefaultAsync(h => h.Id == hookId && h.AccountId == clientId, cancellationToken);
        if (hook is null)
        {
            return false;
        }

        db.Hooks.Remove(hook);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>One page (1-based, newest first) of a hook's deliveries with their attempts; null when the account has no such hook.</summary>
    public async Task<DeliveryPageResponse?> ListDeliveriesAsync(long clientId, long hookId, int page, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);

        // Deliveries and their attempts from one snapshot: read one after the other, a dispatcher round committed in between
        // showed a new attempt beside the delivery's state before it (its claim's lease as the next attempt).
        await using var snapshot = await BeginSnapshotAsync(db, cancellationToken);
        if (!await db.Hooks.AnyAsync(h => h.Id == hookId && h.AccountId == clientId, cancellationToken))
        {
            return null;
        }

        var query = db.Deliveries.AsNoTracking().Where(d => d.HookId == hookId && d.AccountId == clientId);
        var total = await query.CountAsync(cancellationToken);
        var deliveries = await query.OrderByDescending(d => d.Id)
            .Skip((page - 1) * DeliveryPageSize).Take(DeliveryPageSize)
            .ToListAsync(cancellationToken);
        var ids = deliveries.Select(d => d.Id).ToList();
        var attempts = (await db.DeliveryAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).ToListAsync(cancellationToken))
            .ToLookup(a => a.DeliveryId);
        return new DeliveryPageResponse(page, DeliveryPageSize, total, deliveries.Select(d => DeliveryResponse.From(d, attempts[d.Id])).ToList());
    }

    /// <summary>A transaction that reads one snapshot: SQLite's deferred BEGIN (no write lock taken), PostgreSQL's REPEATABLE READ.</summary>
    private static async Task<IDbContextTransaction?> BeginSnapshotAsync(ControlDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            return await db.Database.UseTransactionAsync(sqlite.BeginTransaction(deferred: true), cancellationToken);
        }

        return await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
    }

    /// <summary>Queues the payload of a delivery again as a new delivery (new <c>webhook-id</c>); null when not found.</summary>
    public async Task<Delivery?> ReplayAsync(long clientId, long hookId, long deliveryId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var hook = await db.Hooks.AsNoTracking().FirstOrDefaultAsync(h => h.Id == hookId && h.AccountId == clientId, cancellationToken);
        var original = hook is null
            ? null
            : await db.Deliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == deliveryId && d.HookId == hookId, cancellationToken);
        if (hook is null || original is null)
        {
            return null;
        }

        var replay = HookOutbox.NewDelivery(hook, original.LoadId, original.SourceId, original.RootTable, original.Payload, ControlClock.Now(time), original.Id);

        // A replay's attempts join the load's trace too, beside the original's.
        replay.TraceParent = original.TraceParent;
        db.Deliveries.Add(replay);
        await db.SaveChangesAsync(cancellationToken);
        dispatch.Wake();
        return replay;
    }
}
