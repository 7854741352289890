using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sluice.Core.Hooks;
using Sluice.Core.Loading;
using Sluice.Storage;

namespace Sluice.Server.Deliveries;

/// <summary>
/// Turns committed load summaries into pending <see cref="Delivery"/> rows: one per root table for every hook of the
/// account's destination that was enabled when the load was batched. Deliveries and the account's cursor are written in
/// ONE control-plane transaction, and (hook, load, root table) is unique, so processing a load twice creates nothing new.
/// </summary>
public sealed class HookOutbox(IDbContextFactory<ControlDbContext> contexts, HookDispatchSignal dispatch, TimeProvider time)
{
    private static readonly JsonSerializerOptions PayloadJson = new() { WriteIndented = false };

    /// <summary>Accounts with at least one enabled hook: the ones whose loads the outbox must read.</summary>
    public async Task<IReadOnlyList<long>> AccountsWithEnabledHooksAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Hooks.AsNoTracking().Where(h => h.DisabledAt == null).Select(h => h.AccountId).Distinct().ToListAsync(cancellationToken);
    }

    /// <summary>The account's cursor (loads batched after it may still need deliveries), or null when it has none.</summary>
    public async Task<DateTime?> GetCursorAsync(long clientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var cursor = await db.HookOutboxCursors.AsNoTracking().FirstOrDefaultAsync(c => c.AccountId == clientId, cancellationToken);
        return cursor?.LastBatchedAt;
    }

    /// <summary>
    /// Creates the missing deliveries of <paramref name="loads"/> (any order, any overlap with earlier calls) and, when
    /// <paramref name="advanceCursor"/>, moves the account's cursor to the latest load seen, in one transaction.
    /// Returns the number of deliveries created.
    /// </summary>
    /// <param name="traceParents">By load id, the <c>traceparent</c> of the load's span, kept with its deliveries (tracing).</param>
    public async Task<int> AddAsync(
        long clientId, IReadOnlyList<LoadSummary> loads, bool advanceCursor, CancellationToken cancellationToken, IReadOnlyDictionary<Guid, string>? traceParents = null)
    {
        ArgumentNullException.ThrowIfNull(loads);
        if (loads.Count == 0)
        {
            return 0;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);

        // Recoverable by the poll (the cursor moves in the same transaction), so no fsync needed: see RelaxedDurability.
        await using var relaxed = await RelaxedDurability.BeginAsync(db, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var destinationId = await db.Destinations.Where(d => d.AccountId == clientId).Select(d => (long?)d.Id).FirstOrDefaultAsync(cancellationToken);
        var hooks = destinationId is null
            ? []
            : await db.Hooks.AsNoTracking()
                .Where(h => h.AccountId == clientId && h.DestinationId == destinationId && h.DisabledAt == null)
                .ToListAsync(cancellationToken);

        var created = 0;
        if (hooks.Count > 0)
        {
            var hookIds = hooks.Select(h => h.Id).ToList();
            var loadIds = loads.Select(l => l.LoadId).Distinct().ToList();
            var existing = (await db.Deliveries.AsNoTracking()
                    .Where(d => d.ReplayOfDeliveryId == null && hookIds.Contains(d.HookId) && loadIds.Contains(d.LoadId))
                    .Select(d => new { d.HookId, d.LoadId, d.RootTable })
                    .ToListAsync(cancellationToken))
                .Select(d => (d.HookId, d.LoadId, d.RootTable))
                .ToHashSet();

            if (traceParents is { Count: > 0 } && existing.Count > 0)
            {
                // The poll reads the destination's loads on a connection of its own, which sees a commit before the loader
                // signals it: a load's deliveries the poll queued first get the load's trace now, unless already attempted.
                var traced = traceParents.Keys.Where(loadIds.Contains).ToList();
                var untraced = await db.Deliveries
                    .Where(d => d.ReplayOfDeliveryId == null && hookIds.Contains(d.HookId) && traced.Contains(d.LoadId) && d.TraceParent == null && d.Attempts == 0)
                    .ToListAsync(cancellationToken);
                foreach (var delivery in untraced)
                {
                    delivery.TraceParent = traceParents[delivery.LoadId];
                }
            }

            var now = ControlClock.Now(time);
            foreach (var load in loads)
            {
                // A hook gets the loads batched while it was enabled: not those from before it was created or re-enabled.
                var eligible = hooks.Where(h => load.BatchedAt >= h.ModifiedAt).ToList();
                if (eligible.Count == 0)
                {
                    continue;
                }

                foreach (var payload in PostLoadPayload.FromLoad(load))
                {
                    var body = JsonSerializer.Serialize(payload, PayloadJson);
                    foreach (var hook in eligible)
                    {
                        if (!existing.Add((hook.Id, load.LoadId, payload.DestinationRootTableName)))
                        {
                            continue;
                        }

                        var delivery = NewDelivery(hook, load.LoadId, load.SourceId, payload.DestinationRootTableName, body, now, null);
                        delivery.TraceParent = traceParents?.GetValueOrDefault(load.LoadId);
                        db.Deliveries.Add(delivery);
                        created++;
                    }
                }
            }
        }

        if (advanceCursor)
        {
            var latest = loads.MaxBy(l => l.BatchedAt)!;
            var cursor = await db.HookOutboxCursors.FirstOrDefaultAsync(c => c.AccountId == clientId, cancellationToken);
            if (cursor is null)
            {
                db.HookOutboxCursors.Add(new HookOutboxCursor
                {
                    AccountId = clientId, LastBatchedAt = latest.BatchedAt, LastLoadId = latest.LoadId, UpdatedAt = ControlClock.Now(time),
                });
            }
            else if (latest.BatchedAt > cursor.LastBatchedAt)
            {
                cursor.LastBatchedAt = latest.BatchedAt;
                cursor.LastLoadId = latest.LoadId;
                cursor.UpdatedAt = ControlClock.Now(time);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (created > 0)
        {
            dispatch.Wake();
        }

        return created;
    }

    /// <summary>A new pending delivery, due now, with its own <c>webhook-id</c>.</summary>
    internal static Delivery NewDelivery(Hook hook, Guid loadId, long sourceId, string rootTable, string payload, DateTime now, long? replayOf) => new()
    {
        AccountId = hook.AccountId,
        HookId = hook.Id,
        WebhookId = "msg_" + Guid.CreateVersion7().ToString("N"),
        LoadId = loadId,
        SourceId = sourceId,
        RootTable = rootTable,
        Payload = payload,
        Status = Delivery.Pending,
        Attempts = 0,
        NextAttemptAt = now,
        CreatedAt = now,
        ReplayOfDeliveryId = replayOf,
    };

    /// <summary>
    /// Starts the account's cursor at <paramref name="now"/> unless it is already later, so a first (or re-)enabled hook is
    /// not preceded by a re-read of every load since the last hook went away. Call inside the transaction that enables it.
    /// </summary>
    internal static async Task StartCursorAsync(ControlDbContext db, long clientId, DateTime now, CancellationToken cancellationToken)
    {
        var cursor = await db.HookOutboxCursors.FirstOrDefaultAsync(c => c.AccountId == clientId, cancellationToken);
        if (cursor is null)
        {
            db.HookOutboxCursors.Add(new HookOutboxCursor { AccountId = clientId, LastBatchedAt = now, UpdatedAt = now });
        }
        else if (cursor.LastBatchedAt < now)
        {
            cursor.LastBatchedAt = now;
            cursor.UpdatedAt = now;
        }
    }
}
