using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Sluice.Server.Accounts;

namespace Sluice.Server.Hooks;

/// <summary>
/// Sends pending deliveries (role <c>dispatcher</c>). Three loops:
/// <list type="bullet">
/// <item>claim: woken at once by <see cref="HookDispatchSignal"/> (outbox, replay, a freed endpoint slot), else when the next
/// delivery is due or every <see cref="HooksOptions.DispatchPollInterval"/>; claims due deliveries in batches, never more per
/// hook than <see cref="HooksOptions.MaxConcurrencyPerHook"/> in flight, so a slow or dead endpoint only uses its own slots;</item>
/// <item>send: one task per attempt through the shared <see cref="HookSender"/>;</item>
/// <item>write: outcomes in batched transactions (attempt rows, next attempt on the persisted schedule, final failures with
/// their in-app notification), then email for each final failure.</item>
/// </list>
/// Time comes from the injected <see cref="TimeProvider"/>, so schedules and timeouts are tested with a fake clock.
/// </summary>
public sealed partial class HookDispatcher(
    DeliveryStore store,
    HookSender sender,
    HookDispatchSignal signal,
    HookFailureMailer mailer,
    TimeProvider time,
    IOptions<HooksOptions> options,
    ILogger<HookDispatcher> logger) : BackgroundService
{
    private readonly Channel<DeliveryOutcome> _outcomes = Channel.CreateUnbounded<DeliveryOutcome>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<FailedDelivery> _failures = Channel.CreateUnbounded<FailedDelivery>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<long, int> _inFlight = [];
    private readonly ConcurrentDictionary<long, Task> _sends = new();
    private int _unwritten;

    private HooksOptions Options => options.Value;

    private int MaxUnwritten => Options.DispatchBatchSize * 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var writer = Task.Run(WriteLoopAsync, CancellationToken.None);
        var mail = Task.Run(MailLoopAsync, CancellationToken.None);
        try
        {
            await ClaimLoopAsync(stoppingToken);
        }
        finally
        {
            // Attempts cut short by the stop release their delivery (due again at once) rather than record a failure.
            await Task.WhenAll(_sends.Values.ToArray());
            _outcomes.Writer.TryComplete();
            await writer;
            _failures.Writer.TryComplete();
            await mail;
        }
    }

    private async Task ClaimLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                signal.Drain();
                var limit = Math.Min(Options.DispatchBatchSize, MaxUnwritten - Volatile.Read(ref _unwritten));
                if (limit <= 0)
                {
                    // The writer is behind; it wakes us after each batch.
                    await WaitAsync(Options.DispatchPollInterval, stoppingToken);
                    continue;
                }

                var claimed = await store.ClaimAsync(limit, BusyHooks(), Options.MaxConcurrencyPerHook, stoppingToken);
                foreach (var (delivery, hook) in claimed)
                {
                    Start(delivery, hook, stoppingToken);
                }

                if (claimed.Count == limit)
                {
                    continue;
                }

                var wait = Options.DispatchPollInterval;
                var nextDue = await store.NextDueAsync(FullHooks(), stoppingToken);
                if (nextDue is { } due)
                {
                    var until = new DateTimeOffset(due, TimeSpan.Zero) - time.GetUtcNow();
                    if (until > TimeSpan.Zero && until < wait)
                    {
                        wait = until;
                    }
                    else if (until <= TimeSpan.Zero && claimed.Count > 0)
                    {
                        continue;
                    }
                }

                await WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogClaimFailed(logger, ex);
                await WaitAsync(Options.DispatchPollInterval, stoppingToken);
            }
        }
    }

    private async Task WaitAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        using var timer = new CancellationTokenSource(wait, time);
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

    private Dictionary<long, int> BusyHooks()
    {
        lock (_inFlight)
        {
            return new Dictionary<long, int>(_inFlight);
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
        Interlocked.Increment(ref _unwritten);
        if (hook is not { Enabled: true })
        {
            // Disabled (or deleted meanwhile): failed without an attempt and without email.
            _outcomes.Writer.TryWrite(new DeliveryOutcome(delivery, hook, null, DeliveryStore.DisabledHookError));
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
        try
        {
            var result = await sender.SendAsync(hook, delivery.WebhookId, delivery.Payload, stoppingToken);
            outcome = new DeliveryOutcome(delivery, hook, result, null);
            if (!result.Succeeded)
            {
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
        }

        bool wasFull;
        lock (_inFlight)
        {
            var count = _inFlight[hook.Id];
            wasFull = count >= Options.MaxConcurrencyPerHook;
            if (count <= 1)
            {
                _inFlight.Remove(hook.Id);
            }
            else
            {
                _inFlight[hook.Id] = count - 1;
            }
        }

        _outcomes.Writer.TryWrite(outcome);
        _sends.TryRemove(delivery.Id, out _);
        if (wasFull)
        {
            signal.Wake();
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<DeliveryOutcome>();
        while (await _outcomes.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < Options.DispatchBatchSize && _outcomes.Reader.TryRead(out var outcome))
            {
                batch.Add(outcome);
            }

            try
            {
                foreach (var failure in await store.WriteAsync(batch, CancellationToken.None))
                {
                    LogFailedForGood(logger, failure.DeliveryId, failure.HookUrl, failure.Attempts, failure.LastError);
                    _failures.Writer.TryWrite(failure);
                }
            }
            catch (Exception ex)
            {
                // Their claims' leases end and they are tried again: a lost write costs a repeat, never a loss.
                LogWriteFailed(logger, batch.Count, ex);
            }

            Interlocked.Add(ref _unwritten, -batch.Count);
            batch.Clear();
            signal.Wake();
        }
    }

    private async Task MailLoopAsync()
    {
        await foreach (var failure in _failures.Reader.ReadAllAsync(CancellationToken.None))
        {
            await mailer.NotifyAsync(failure, CancellationToken.None);
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Attempt {Attempt} of delivery {DeliveryId} to {Url} failed: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, long deliveryId, int attempt, string url, string error);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} to {Url} failed for good after {Attempts} attempts: {Error}")]
    private static partial void LogFailedForGood(ILogger logger, long deliveryId, string url, int attempts, string error);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Error, Message = "Could not claim due deliveries; trying again at the next poll")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Error, Message = "Could not record {Count} delivery outcomes; those deliveries are tried again when their claim ends")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);
}
