using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Sluice.Core.Hooks;
using Sluice.Server.Hooks;
using Sluice.Server.Notifications;
using Sluice.Storage;

namespace Sluice.Server.Deliveries;

/// <summary>
/// The dispatcher's reads and writes of the control plane, all in batches: each round writes the outcomes of many attempts
/// and claims the next due deliveries (on PostgreSQL with <c>FOR UPDATE SKIP LOCKED</c>, so several dispatcher nodes never
/// take the same one) in one transaction. A claim moves the delivery's <c>next_attempt_at</c> to a lease (twice <see cref="HooksOptions.Timeout"/>):
/// if the process dies mid-attempt, the delivery is due again when the lease ends, so nothing is lost on a crash.
/// </summary>
public sealed class DeliveryStore(
    IDbContextFactory<ControlDbContext> contexts,
    HookSecretProtector secrets,
    NotificationService notifications,
    TimeProvider time,
    IOptions<HooksOptions> options)
{
    public const string DisabledHookError = "Not sent: the hook was disabled before this delivery was due.";

    private readonly ConcurrentDictionary<string, string> _secrets = new(StringComparer.Ordinal);

    /// <summary>
    /// One round of the dispatcher in ONE transaction (one commit, so one fsync on SQLite, for a whole batch): writes the
    /// <paramref name="outcomes"/> of finished attempts, then claims up to <paramref name="limit"/> due deliveries, at most
    /// <paramref name="slotsPerHook"/> in flight per hook counting <paramref name="busyHooks"/>, oldest due first.
    /// Returns the deliveries that failed for good (for email) and the claimed deliveries with their hooks.
    /// </summary>
    public async Task<(IReadOnlyList<FailedDelivery> Failed, IReadOnlyList<(Delivery Delivery, HookTarget? Hook)> Claimed)> RecordOutcomesAndClaimAsync(
        IReadOnlyList<DeliveryOutcome> outcomes, int limit, IReadOnlyDictionary<long, int> busyHooks, int slotsPerHook, CancellationToken cancellationToken)
    {
        List<Delivery> rows;
        IReadOnlyList<FailedDelivery> failed = [];
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var relaxed = await RelaxedDurability.BeginAsync(db, cancellationToken);
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                if (outcomes.Count > 0)
                {
                    failed = await ApplyAsync(db, Changes(outcomes), cancellationToken);
                }

                rows = limit > 0 ? await ClaimAsync(db, limit, busyHooks, slotsPerHook, cancellationToken) : [];
                await transaction.CommitAsync(cancellationToken);
            }
            catch (Exception ex) when (outcomes.Count > 0 && ex is DbUpdateException or System.Data.Common.DbException)
            {
                // E.g. a hook was deleted with its deliveries while one was in flight: write one by one, then claim.
                failed = await WriteOneByOneAsync(outcomes, cancellationToken);
                return (failed, await ClaimAloneAsync(limit, busyHooks, slotsPerHook, cancellationToken));
            }
        }

        return (failed, await WithHooksAsync(rows, cancellationToken));
    }

    private async Task<IReadOnlyList<(Delivery Delivery, HookTarget? Hook)>> ClaimAloneAsync(
        int limit, IReadOnlyDictionary<long, int> busyHooks, int slotsPerHook, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rows = await ClaimAsync(db, limit, busyHooks, slotsPerHook, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await WithHooksAsync(rows, cancellationToken);
    }

    private async Task<List<Delivery>> ClaimAsync(
        ControlDbContext db, int limit, IReadOnlyDictionary<long, int> busyHooks, int slotsPerHook, CancellationToken cancellationToken)
    {
        var now = ControlClock.Now(time);
        var lease = now + (options.Value.Timeout * 2);
        var chosen = new List<long>();
        var chosenSet = new HashSet<long>();
        var taken = new Dictionary<long, int>();
        var full = busyHooks.Where(b => b.Value >= slotsPerHook).Select(b => b.Key).ToHashSet();
        var postgres = db.IsPostgres;

        // Ids only (cheap), then the rows chosen. A hook with a long backlog could fill a whole page and starve the others:
        // look again without the hooks now full.
        for (var round = 0; round < 4 && chosen.Count < limit; round++)
        {
            var want = limit - chosen.Count;
            var candidates = await CandidatesAsync(db, postgres, now, full, want, cancellationToken);
            var before = chosen.Count;
            foreach (var (id, hookId) in candidates)
            {
                var used = busyHooks.GetValueOrDefault(hookId) + taken.GetValueOrDefault(hookId);
                if (used >= slotsPerHook)
                {
                    full.Add(hookId);
                    continue;
                }

                if (chosenSet.Add(id))
                {
                    taken[hookId] = taken.GetValueOrDefault(hookId) + 1;
                    chosen.Add(id);
                }
            }

            if (candidates.Count < want || chosen.Count == before)
            {
                break;
            }
        }

        if (chosen.Count == 0)
        {
            return [];
        }

        await db.Deliveries.Where(d => chosen.Contains(d.Id) && d.Status == Delivery.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, lease), cancellationToken);
        var rows = await db.Deliveries.AsNoTracking().Where(d => chosen.Contains(d.Id)).ToListAsync(cancellationToken);
        return rows.OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).ToList();
    }

    private async Task<IReadOnlyList<(Delivery Delivery, HookTarget? Hook)>> WithHooksAsync(List<Delivery> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var hookIds = rows.Select(d => d.HookId).Distinct().ToList();
        var hooks = (await db.Hooks.AsNoTracking().Where(h => hookIds.Contains(h.Id)).ToListAsync(cancellationToken))
            .ToDictionary(h => h.Id, h => new HookTarget(h.Id, h.AccountId, h.Url, Secret(h.ProtectedSecret), h.DisabledAt is null));
        return rows.Select(d => (d, hooks.GetValueOrDefault(d.HookId))).ToList();
    }

    private static async Task<List<(long Id, long HookId)>> CandidatesAsync(
        ControlDbContext db, bool postgres, DateTime now, HashSet<long> excluded, int limit, CancellationToken cancellationToken)
    {
        if (postgres)
        {
            var skip = excluded.ToArray();
            var locked = await db.Database.SqlQuery<ClaimCandidate>(
                    $"SELECT id AS \"Id\", hook_id AS \"HookId\" FROM deliveries WHERE status = 'pending' AND next_attempt_at <= {now} AND NOT (hook_id = ANY({skip})) ORDER BY next_attempt_at, id LIMIT {limit} FOR UPDATE SKIP LOCKED")
                .ToListAsync(cancellationToken);
            return locked.Select(c => (c.Id, c.HookId)).ToList();
        }

        // SQLite has one writer at a time and the dispatcher one claim loop per process: no row locks needed.
        var query = db.Deliveries.AsNoTracking().Where(d => d.Status == Delivery.Pending && d.NextAttemptAt <= now);
        if (excluded.Count > 0)
        {
            var skip = excluded.ToList();
            query = query.Where(d => !skip.Contains(d.HookId));
        }

        var page = await query.OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Take(limit).Select(d => new { d.Id, d.HookId }).ToListAsync(cancellationToken);
        return page.Select(c => (c.Id, c.HookId)).ToList();
    }

    private sealed record ClaimCandidate(long Id, long HookId);

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

    /// <summary>Writes each outcome in its own transaction, skipping those whose delivery no longer exists.</summary>
    private async Task<IReadOnlyList<FailedDelivery>> WriteOneByOneAsync(IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken)
    {
        var failed = new List<FailedDelivery>();
        foreach (var outcome in outcomes)
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var one = await ApplyAsync(db, Changes([outcome]), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                failed.AddRange(one);
            }
            catch (DbUpdateException)
            {
                // Its delivery (or hook) was deleted while it was in flight: nothing left to record.
            }
        }

        return failed;
    }

    /// <summary>What one outcome changes: the delivery's new state, maybe an attempt row, maybe a final failure.</summary>
    private sealed record DeliveryChange(Delivery Delivery, DeliveryAttempt? Attempt, FailedDelivery? Failure);

    /// <summary>
    /// The new state of each delivery: succeeded, next attempt on the persisted schedule, failed for good (last attempt, a
    /// permanent failure such as an address the SSRF guard refuses, or its hook disabled), or released (the dispatcher stopped before sending: due again at once).
    /// </summary>
    private List<DeliveryChange> Changes(IReadOnlyList<DeliveryOutcome> outcomes)
    {
        var schedule = options.Value.Schedule();
        var now = ControlClock.Now(time);
        var changes = new List<DeliveryChange>(outcomes.Count);
        foreach (var outcome in outcomes)
        {
            var delivery = Copy(outcome.Delivery);
            if (outcome.Released)
            {
                delivery.NextAttemptAt = now;
                changes.Add(new DeliveryChange(delivery, null, null));
                continue;
            }

            if (outcome.Attempt is not { } attempt)
            {
                delivery.Status = Delivery.Failed;
                delivery.LastError = outcome.SkipReason;
                delivery.NextAttemptAt = null;
                delivery.CompletedAt = now;
                changes.Add(new DeliveryChange(delivery, null, null));
                continue;
            }

            delivery.Attempts++;
            var row = new DeliveryAttempt
            {
                DeliveryId = delivery.Id,
                Number = delivery.Attempts,
                StartedAt = attempt.StartedAt,
                DurationMs = attempt.DurationMs,
                StatusCode = attempt.StatusCode,
                Error = attempt.Error,
            };
            delivery.LastStatusCode = attempt.StatusCode;
            delivery.LastError = attempt.Error;
            FailedDelivery? failure = null;
            var endedAt = attempt.StartedAt.AddMilliseconds(attempt.DurationMs);
            var next = DeliveryTransition.After(delivery.Attempts, attempt.Succeeded, attempt.Permanent, endedAt, schedule);
            delivery.NextAttemptAt = next.NextAttemptAt;
            if (next.Step != DeliveryStep.Retry)
            {
                delivery.Status = next.Step == DeliveryStep.Succeeded ? Delivery.Succeeded : Delivery.Failed;
                delivery.CompletedAt = now;
            }

            if (next.Step == DeliveryStep.FailedForGood)
            {
                failure = Failure(delivery, outcome.Hook?.Url ?? "(deleted hook)", attempt.Error!);
            }

            changes.Add(new DeliveryChange(delivery, row, failure));
        }

        return changes;
    }

    /// <summary>
    /// Writes the changes inside the current transaction with two prepared commands reused for every row (EF change tracking
    /// cost more than the HTTP requests themselves), plus one in-app notification per final failure. A delivery deleted
    /// meanwhile (its hook was) updates no row and is skipped. Returns the final failures written.
    /// </summary>
    private async Task<List<FailedDelivery>> ApplyAsync(ControlDbContext db, List<DeliveryChange> changes, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE deliveries SET status = @status, attempts = @attempts, next_attempt_at = @next, last_status_code = @code, "
            + "last_error = @error, completed_at = @completed WHERE id = @id";
        var (status, attempts, next, code, error, completed, id) = (
            Parameter(update, "@status"), Parameter(update, "@attempts"), Parameter(update, "@next"), Parameter(update, "@code"),
            Parameter(update, "@error"), Parameter(update, "@completed"), Parameter(update, "@id"));
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO delivery_attempts (delivery_id, number, started_at, duration_ms, status_code, error) "
            + "VALUES (@delivery, @number, @started, @duration, @code, @error)";
        var (aDelivery, aNumber, aStarted, aDuration, aCode, aError) = (
            Parameter(insert, "@delivery"), Parameter(insert, "@number"), Parameter(insert, "@started"), Parameter(insert, "@duration"),
            Parameter(insert, "@code"), Parameter(insert, "@error"));

        var failed = new List<FailedDelivery>();
        var now = ControlClock.Now(time);
        foreach (var (delivery, attempt, failure) in changes)
        {
            status.Value = delivery.Status;
            attempts.Value = delivery.Attempts;
            next.Value = Value(delivery.NextAttemptAt);
            code.Value = Value(delivery.LastStatusCode);
            error.Value = Value(delivery.LastError);
            completed.Value = Value(delivery.CompletedAt);
            id.Value = delivery.Id;
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                continue;
            }

            if (attempt is not null)
            {
                aDelivery.Value = attempt.DeliveryId;
                aNumber.Value = attempt.Number;
                aStarted.Value = attempt.StartedAt;
                aDuration.Value = attempt.DurationMs;
                aCode.Value = Value(attempt.StatusCode);
                aError.Value = Value(attempt.Error);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            if (failure is not null)
            {
                failed.Add(failure);
                notifications.Stage(
                    db,
                    delivery.AccountId,
                    NotificationKind.UndeliverablePostLoad,
                    $"The post-load hook {failure.HookUrl} did not accept the notification for table '{failure.RootTable}' of integration '{failure.Integration}' after {failure.Attempts} attempts. Last error: {failure.LastError} The load itself succeeded; the delivery can be replayed from the delivery log.",
                    delivery.SourceId);
            }
        }

        if (failed.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return failed;
    }

    private static System.Data.Common.DbParameter Parameter(System.Data.Common.DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static object Value<T>(T? value) => value is null ? DBNull.Value : value;

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
        TraceParent = d.TraceParent,
    };

    private string Secret(string protectedSecret) => _secrets.GetOrAdd(protectedSecret, secrets.Unprotect);
}
