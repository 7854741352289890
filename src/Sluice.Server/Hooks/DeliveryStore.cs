using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sluice.Server.Accounts;
using Sluice.Storage;

namespace Sluice.Server.Hooks;

/// <summary>
/// The dispatcher's reads and writes of the control plane, all in batches: claim due deliveries (on PostgreSQL with
/// <c>FOR UPDATE SKIP LOCKED</c>, so several dispatcher nodes never take the same one), write many attempts and outcomes in
/// one transaction. A claim moves the delivery's <c>next_attempt_at</c> to a lease (twice <see cref="HooksOptions.Timeout"/>):
/// if the process dies mid-attempt, the delivery is due again when the lease ends, so nothing is lost on a crash.
/// </summary>
public sealed class DeliveryStore(
    IDbContextFactory<ControlDbContext> contexts,
    HookSecretProtector secrets,
    TimeProvider time,
    IOptions<HooksOptions> options)
{
    public const string DisabledHookError = "Not sent: the hook was disabled before this delivery was due.";
    public const string NotificationCode = "undeliverable-post-load";
    public const string NotificationTitle = "Unable to deliver post-load hook";

    private readonly ConcurrentDictionary<string, string> _secrets = new(StringComparer.Ordinal);

    private bool IsPostgres(ControlDbContext db) => db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true;

    /// <summary>
    /// Claims up to <paramref name="limit"/> due deliveries, at most <paramref name="freeSlots"/>(hook) per hook (hooks absent
    /// from <paramref name="busyHooks"/> have <paramref name="slotsPerHook"/>), oldest due first, with their hooks.
    /// </summary>
    public async Task<IReadOnlyList<(Delivery Delivery, HookTarget? Hook)>> ClaimAsync(
        int limit, IReadOnlyDictionary<long, int> busyHooks, int slotsPerHook, CancellationToken cancellationToken)
    {
        var now = ControlClock.Now(time);
        var lease = now + (options.Value.Timeout * 2);
        var chosen = new List<Delivery>();
        var taken = new Dictionary<long, int>();
        var full = busyHooks.Where(b => b.Value >= slotsPerHook).Select(b => b.Key).ToHashSet();

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var postgres = IsPostgres(db);
        await using var transaction = postgres ? await db.Database.BeginTransactionAsync(cancellationToken) : null;

        // A hook with a long backlog could fill a whole page and starve the others: look again without the hooks now full.
        for (var round = 0; round < 4 && chosen.Count < limit; round++)
        {
            var candidates = await CandidatesAsync(db, postgres, now, full, limit - chosen.Count, cancellationToken);
            var before = chosen.Count;
            foreach (var delivery in candidates)
            {
                var used = busyHooks.GetValueOrDefault(delivery.HookId) + taken.GetValueOrDefault(delivery.HookId);
                if (used >= slotsPerHook || chosen.Any(c => c.Id == delivery.Id))
                {
                    full.Add(delivery.HookId);
                    continue;
                }

                taken[delivery.HookId] = taken.GetValueOrDefault(delivery.HookId) + 1;
                chosen.Add(delivery);
            }

            if (candidates.Count < limit - before || chosen.Count == before)
            {
                break;
            }
        }

        if (chosen.Count == 0)
        {
            return [];
        }

        var ids = chosen.Select(d => d.Id).ToList();
        await db.Deliveries.Where(d => ids.Contains(d.Id) && d.Status == Delivery.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, lease), cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        var hookIds = chosen.Select(d => d.HookId).Distinct().ToList();
        var hooks = (await db.Hooks.AsNoTracking().Where(h => hookIds.Contains(h.Id)).ToListAsync(cancellationToken))
            .ToDictionary(h => h.Id, h => new HookTarget(h.Id, h.AccountId, h.Url, Secret(h.ProtectedSecret), h.DisabledAt is null));
        return chosen.Select(d => (d, hooks.GetValueOrDefault(d.HookId))).ToList();
    }

    private static async Task<List<Delivery>> CandidatesAsync(
        ControlDbContext db, bool postgres, DateTime now, HashSet<long> excluded, int limit, CancellationToken cancellationToken)
    {
        if (postgres)
        {
            var skip = excluded.ToArray();
            return await db.Deliveries.FromSql(
                    $"SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= {now} AND NOT (hook_id = ANY({skip})) ORDER BY next_attempt_at, id LIMIT {limit} FOR UPDATE SKIP LOCKED")
                .AsNoTracking().ToListAsync(cancellationToken);
        }

        // SQLite has one writer at a time and the dispatcher one claim loop per process: no row locks needed.
        var query = db.Deliveries.AsNoTracking().Where(d => d.Status == Delivery.Pending && d.NextAttemptAt <= now);
        if (excluded.Count > 0)
        {
            var skip = excluded.ToList();
            query = query.Where(d => !skip.Contains(d.HookId));
        }

        return await query.OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>When the next pending delivery of a hook not in <paramref name="excludedHooks"/> is due; null when none is pending.</summary>
    public async Task<DateTime?> NextDueAsync(IReadOnlyCollection<long> excludedHooks, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Deliveries.AsNoTracking().Where(d => d.Status == Delivery.Pending);
        if (excludedHooks.Count > 0)
        {
            var skip = excludedHooks.ToList();
            query = query.Where(d => !skip.Contains(d.HookId));
        }

        return await query.MinAsync(d => d.NextAttemptAt, cancellationToken);
    }

    /// <summary>
    /// Writes outcomes in one transaction: one attempt row each, the delivery's new state (next attempt on the persisted
    /// schedule, or done) and one in-app notification per delivery that failed for good. Returns those failures, for email.
    /// If the batch fails (e.g. a hook was deleted with its deliveries meanwhile) each outcome is written on its own.
    /// </summary>
    public async Task<IReadOnlyList<FailedDelivery>> WriteAsync(IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteBatchAsync(outcomes, cancellationToken);
        }
        catch (DbUpdateException) when (outcomes.Count > 1)
        {
            var failed = new List<FailedDelivery>();
            foreach (var outcome in outcomes)
            {
                try
                {
                    failed.AddRange(await WriteBatchAsync([outcome], cancellationToken));
                }
                catch (DbUpdateException)
                {
                    // Its delivery (or hook) was deleted while it was in flight: nothing left to record.
                }
            }

            return failed;
        }
    }

    private async Task<IReadOnlyList<FailedDelivery>> WriteBatchAsync(IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken)
    {
        var schedule = options.Value.Schedule();
        var now = ControlClock.Now(time);
        var failed = new List<FailedDelivery>();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var outcome in outcomes)
        {
            var delivery = Copy(outcome.Delivery);
            db.Deliveries.Attach(delivery);

            // Always written: the row holds the claim's lease, which the copy does not know.
            db.Entry(delivery).Property(d => d.NextAttemptAt).IsModified = true;
            if (outcome.Released)
            {
                delivery.NextAttemptAt = now;
                continue;
            }

            if (outcome.Attempt is not { } attempt)
            {
                delivery.Status = Delivery.Failed;
                delivery.LastError = outcome.SkipReason;
                delivery.NextAttemptAt = null;
                delivery.CompletedAt = now;
                continue;
            }

            delivery.Attempts++;
            db.DeliveryAttempts.Add(new DeliveryAttempt
            {
                DeliveryId = delivery.Id,
                Number = delivery.Attempts,
                StartedAt = attempt.StartedAt,
                DurationMs = attempt.DurationMs,
                StatusCode = attempt.StatusCode,
                Error = attempt.Error,
            });
            delivery.LastStatusCode = attempt.StatusCode;
            delivery.LastError = attempt.Error;
            if (attempt.Succeeded)
            {
                delivery.Status = Delivery.Succeeded;
                delivery.NextAttemptAt = null;
                delivery.CompletedAt = now;
                continue;
            }

            var failedAt = attempt.StartedAt.AddMilliseconds(attempt.DurationMs);
            if (schedule.NextAttemptAt(delivery.Attempts, new DateTimeOffset(failedAt, TimeSpan.Zero)) is { } next)
            {
                delivery.NextAttemptAt = next.UtcDateTime;
                continue;
            }

            delivery.Status = Delivery.Failed;
            delivery.NextAttemptAt = null;
            delivery.CompletedAt = now;
            var failure = Failure(delivery, outcome.Hook?.Url ?? "(deleted hook)", attempt.Error!);
            failed.Add(failure);
            db.Notifications.Add(new Notification
            {
                AccountId = delivery.AccountId,
                Level = Notification.Warning,
                Category = "replication",
                Code = NotificationCode,
                Title = NotificationTitle,
                Message = $"The post-load hook {failure.HookUrl} did not accept the notification for table '{failure.RootTable}' of integration '{failure.Integration}' after {failure.Attempts} attempts. Last error: {failure.LastError} The load itself succeeded; the delivery can be replayed from the delivery log.",
                SourceId = delivery.SourceId,
                CreatedAt = now,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return failed;
    }

    private static FailedDelivery Failure(Delivery delivery, string url, string error)
    {
        var integration = string.Empty;
        try
        {
            using var payload = JsonDocument.Parse(delivery.Payload);
            integration = payload.RootElement.TryGetProperty("integration_name", out var name) ? name.GetString() ?? string.Empty : string.Empty;
        }
        catch (JsonException)
        {
        }

        return new FailedDelivery(delivery.AccountId, delivery.Id, delivery.WebhookId, url, delivery.RootTable, integration, delivery.Attempts, error);
    }

    private static Delivery Copy(Delivery d) => new()
    {
        Id = d.Id,
        AccountId = d.AccountId,
        HookId = d.HookId,
        WebhookId = d.WebhookId,
        LoadId = d.LoadId,
        SourceId = d.SourceId,
        RootTable = d.RootTable,
        Payload = d.Payload,
        Status = d.Status,
        Attempts = d.Attempts,
        NextAttemptAt = d.NextAttemptAt,
        LastStatusCode = d.LastStatusCode,
        LastError = d.LastError,
        CreatedAt = d.CreatedAt,
        CompletedAt = d.CompletedAt,
        ReplayOfDeliveryId = d.ReplayOfDeliveryId,
    };

    private string Secret(string protectedSecret) => _secrets.GetOrAdd(protectedSecret, secrets.Unprotect);
}
