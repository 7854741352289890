using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Sluice.Server.Hooks;
using Sluice.Server.Operations;
using Sluice.Storage;

namespace Sluice.Server.Deliveries;

/// <summary>
/// Sends pending deliveries (role <c>dispatcher</c>). One loop of rounds; each round is ONE control-plane transaction that
/// writes the outcomes of the attempts finished since the last round (attempt rows, next attempt on the persisted schedule,
/// final failures with their in-app notification) and claims the next due deliveries, never more per hook than
/// <see cref="HooksOptions.MaxConcurrencyPerHook"/> in flight, so a slow or dead endpoint only uses its own slots. Each
/// attempt runs as its own task through the shared <see cref="HookSender"/> and wakes the loop when it ends; the loop is also
/// woken at once by <see cref="HookDispatchSignal"/> (outbox, replay), else when the next delivery is due or every
/// <see cref="HooksOptions.DispatchPollInterval"/>. Under load attempts finish while a round commits, so rounds grow into
/// batches by themselves. Email for final failures goes out from a queue of its own. Time comes from the injected
/// <see cref="TimeProvider"/>, so schedules and timeouts are tested with a fake clock.
/// </summary>
public sealed partial class HookDispatcher(
    DeliveryStore store,
    HookSender sender,
    HookDispatchSignal signal,
    HookFailureMailer mailer,
    TimeProvider time,
    IOptions<HooksOptions> options,
    ILogger<HookDispatcher> logger,
    SluiceMetrics metrics) : BackgroundService
{
    private readonly ConcurrentQueue<DeliveryOutcome> _outcomes = new();
    private readonly Channel<FailedDelivery> _failures = Channel.CreateUnbounded<FailedDelivery>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<long, int> _inFlight = [];
    private readonly ConcurrentDictionary<long, Task> _sends = new();

    private HooksOptions Options => options.Value;

    /// <summary>Attempts in flight at most (all hooks): what one round may claim, times four.</summary>
    private int MaxInFlight => Options.DispatchBatchSize * 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Cancelled only at shutdown, a grace after the last failure was queued: email must not hold up the stop for long.
        using var giveUpMail = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        var mail = Task.Run(() => MailLoopAsync(giveUpMail.Token), CancellationToken.None);
        try
        {
            await RoundsAsync(stoppingToken);
        }
        finally
        {
            // Attempts cut short by the stop release their delivery (due again at once) rather than record a failure.
            await Task.WhenAll(_sends.Values.ToArray());
            try
            {
                await RoundAsync(0, CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogRoundFailed(logger, ex);
            }

            _failures.Writer.TryComplete();
            giveUpMail.CancelAfter(Options.ShutdownMailGrace);
            await mail;
        }
    }

    private async Task RoundsAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                signal.Drain();
                int limit;
                lock (_inFlight)
                {
                    limit = Math.Min(Options.DispatchBatchSize, MaxInFlight - _inFlight.Values.Sum() + _outcomes.Count);
                }

                var roundStartedAt = time.GetUtcNow();
                var claimed = await RoundAsync(limit, stoppingToken);
                if (claimed == limit && limit > 0)
                {
                    continue;
                }

                if (!_outcomes.IsEmpty)
                {
                    continue;
                }

                var deadline = time.GetUtcNow() + Options.DispatchPollInterval;
                var nextDue = await store.NextDueAsync(FullHooks(), stoppingToken);
                if (nextDue is { } due)
                {
                    var dueAt = new DateTimeOffset(due, TimeSpan.Zero);
                    // Due now: look again at once if this round claimed (there may be more), or if it came due only after the
                    // round looked (the claim could not see it). Else another dispatcher holds it: wait, not spin.
                    if (dueAt <= time.GetUtcNow() && (claimed > 0 || dueAt > roundStartedAt))
                    {
                        continue;
                    }

                    if (dueAt > time.GetUtcNow() && dueAt < deadline)
                    {
                        deadline = dueAt;
                    }
                }

                await WaitUntilAsync(deadline, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogRoundFailed(logger, ex);
                await WaitUntilAsync(time.GetUtcNow() + Options.DispatchPollInterval, stoppingToken);
            }
        }
    }

    /// <summary>Writes what finished, claims up to <paramref name="limit"/> and starts them; returns how many it claimed.</summary>
    private async Task<int> RoundAsync(int limit, CancellationToken cancellationToken)
    {
        var outcomes = new List<DeliveryOutcome>();
        while (outcomes.Count < Options.DispatchBatchSize * 4 && _outcomes.TryDequeue(out var outcome))
        {
            outcomes.Add(outcome);
        }

        Dictionary<long, int> busy;
        lock (_inFlight)
        {
            // The slots of written outcomes are free for this round's claim.
            foreach (var outcome in outcomes)
            {
                if (outcome.Hook is { } hook && _inFlight.TryGetValue(hook.Id, out var count))
                {
                    if (count <= 1)
                    {
                        _inFlight.Remove(hook.Id);
                    }
                    else
                    {
                        _inFlight[hook.Id] = count - 1;
                    }
                }
            }

            busy = new Dictionary<long, int>(_inFlight);
        }

        IReadOnlyList<FailedDelivery> failed;
        IReadOnlyList<(Storage.Delivery Delivery, HookTarget? Hook)> claimed;
        try
        {
            (failed, claimed) = await store.RecordOutcomesAndClaimAsync(outcomes, limit, busy, Options.MaxConcurrencyPerHook, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Their claims' leases end and they are tried again: a lost write costs a repeat, never a loss.
            if (outcomes.Count > 0)
            {
                LogWriteFailed(logger, outcomes.Count, ex);
            }

            throw;
        }

        foreach (var failure in failed)
        {
            LogFailedForGood(logger, failure.DeliveryId, failure.HookUrl, failure.Attempts, failure.LastError);
            metrics.HookUndeliverable();
            _failures.Writer.TryWrite(failure);
        }

        foreach (var (delivery, hook) in claimed)
        {
            Start(delivery, hook, cancellationToken);
        }

        return claimed.Count;
    }

    /// <summary>Waits until <paramref name="deadline"/> or a wake-up, whichever comes first.</summary>
    private async Task WaitUntilAsync(DateTimeOffset deadline, CancellationToken stoppingToken)
    {
        var wait = deadline - time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new CancellationTokenSource(wait, time);

        // The clock may have moved between reading it and starting the timer (a fake clock in tests jumps): then the
        // timer runs late, so look again.
        if (time.GetUtcNow() >= deadline)
        {
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timer.Token);
        try
        {
            await signal.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // Time to look again.
        }
    }

    private List<long> FullHooks()
    {
        lock (_inFlight)
        {
            return _inFlight.Where(h => h.Value >= Options.MaxConcurrencyPerHook).Select(h => h.Key).ToList();
        }
    }

    private void Start(Storage.Delivery delivery, HookTarget? hook, CancellationToken stoppingToken)
    {
        if (hook is not { Enabled: true })
        {
            // Disabled (or deleted meanwhile): failed without an attempt and without email.
            _outcomes.Enqueue(new DeliveryOutcome(delivery, null, null, DeliveryStore.DisabledHookError));
            signal.Wake();
            return;
        }

        lock (_inFlight)
        {
            _inFlight[hook.Id] = _inFlight.GetValueOrDefault(hook.Id) + 1;
        }

        _sends[delivery.Id] = Task.Run(() => SendAsync(delivery, hook, stoppingToken), CancellationToken.None);
    }

    private async Task SendAsync(Storage.Delivery delivery, HookTarget hook, CancellationToken stoppingToken)
    {
        DeliveryOutcome outcome;

        // A child of the load that made the delivery (its traceparent is stored with it), however much later it runs.
        using var span = SluiceTracing.StartHookAttempt(delivery.TraceParent);
        span?.SetTag("sluice.delivery_id", delivery.Id);
        span?.SetTag("sluice.hook_id", hook.Id);
        span?.SetTag("sluice.load_id", delivery.LoadId.ToString());
        span?.SetTag("sluice.attempt", delivery.Attempts + 1);
        span?.SetTag("sluice.webhook_id", delivery.WebhookId);
        try
        {
            var result = await sender.SendAsync(hook, delivery.WebhookId, delivery.Payload, stoppingToken);
            outcome = new DeliveryOutcome(delivery, hook, result, null);
            metrics.HookAttempt(result.Succeeded);
            span?.SetTag("http.response.status_code", result.StatusCode);
            if (!result.Succeeded)
            {
                span.Failed(result.Error!);
                LogAttemptFailed(logger, delivery.Id, delivery.Attempts + 1, hook.Url, result.Error!);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            outcome = new DeliveryOutcome(delivery, hook, null, null, Released: true);
        }
        catch (Exception ex)
        {
            outcome = new DeliveryOutcome(delivery, hook, new AttemptResult(ControlClock.Now(time), 0, null, "Could not send: " + ex.Message), null);
            metrics.HookAttempt(succeeded: false);
            span.Failed(ex);
        }

        _outcomes.Enqueue(outcome);
        _sends.TryRemove(delivery.Id, out _);
        signal.Wake();
    }

    /// <summary>Emails each final failure in turn; once <paramref name="giveUp"/> is cancelled, logs the rest as not emailed.</summary>
    private async Task MailLoopAsync(CancellationToken giveUp)
    {
        await foreach (var failure in _failures.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                giveUp.ThrowIfCancellationRequested();
                await mailer.NotifyAsync(failure, giveUp);
            }
            catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
            {
                LogNotEmailed(logger, failure.DeliveryId, failure.HookUrl, Options.ShutdownMailGrace);
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.Dispatcher.AttemptFailed, Level = LogLevel.Information, Message = "Attempt {Attempt} of delivery {DeliveryId} to {Url} failed: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, long deliveryId, int attempt, string url, string error);

    [LoggerMessage(EventId = LogEvents.Dispatcher.FailedForGood, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} to {Url} failed for good after {Attempts} attempts: {Error}")]
    private static partial void LogFailedForGood(ILogger logger, long deliveryId, string url, int attempts, string error);

    [LoggerMessage(EventId = LogEvents.Dispatcher.RoundFailed, Level = LogLevel.Error, Message = "A dispatch round failed; trying again at the next poll")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEvents.Dispatcher.NotEmailed, Level = LogLevel.Warning, Message = "Shutting down: the email about delivery {DeliveryId} to {Url} failing for good was not sent within {Grace}; its in-app notification exists")]
    private static partial void LogNotEmailed(ILogger logger, long deliveryId, string url, TimeSpan grace);

    [LoggerMessage(EventId = LogEvents.Dispatcher.WriteFailed, Level = LogLevel.Error, Message = "Could not record {Count} delivery outcomes; those deliveries are tried again when their claim ends")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);
}
