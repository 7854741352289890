using Microsoft.Extensions.Options;
using Sluice.Core.Loading;
using Sluice.Server.Destinations;
using Sluice.Server.Hooks;

namespace Sluice.Server.Deliveries;

/// <summary>
/// Feeds the <see cref="HookOutbox"/>: loads signalled by the loader at once, and every <see cref="HooksOptions.OutboxPollInterval"/>
/// the loads each account's destination committed since its cursor (minus <see cref="HooksOptions.OutboxLookback"/>), which
/// catches what a crash between a load's commit and its signal would otherwise lose. One loop, so never two writers at once.
/// </summary>
public sealed partial class HookOutboxWorker(
    HookOutbox outbox,
    CommittedLoadQueue signal,
    IDestinationProvider destinations,
    TimeProvider time,
    IOptions<HooksOptions> options,
    ILogger<HookOutboxWorker> logger) : BackgroundService
{
    private const int PageSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPoll = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DrainSignalsAsync(stoppingToken);
                if (time.GetUtcNow() >= nextPoll)
                {
                    await PollAsync(stoppingToken);
                    nextPoll = time.GetUtcNow() + options.Value.OutboxPollInterval;
                }

                using var pollDue = new CancellationTokenSource(Max(nextPoll - time.GetUtcNow(), TimeSpan.Zero), time);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, pollDue.Token);
                await signal.Reader.WaitToReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (OperationCanceledException)
            {
                // The poll interval elapsed.
            }
            catch (Exception ex)
            {
                LogLoopFailed(logger, ex);
                try
                {
                    await Task.Delay(options.Value.OutboxPollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>How old a load's batch must be before the poll queues its deliveries (younger ones are the signal's).</summary>
    private static readonly TimeSpan PollGrace = TimeSpan.FromSeconds(5);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private async Task DrainSignalsAsync(CancellationToken cancellationToken)
    {
        var batch = new Dictionary<long, List<LoadSummary>>();
        Dictionary<Guid, string>? traceParents = null;
        while (signal.Reader.TryRead(out var item))
        {
            if (!batch.TryGetValue(item.ClientId, out var list))
            {
                batch[item.ClientId] = list = [];
            }

            list.Add(item.Summary);
            if (item.TraceParent is not null)
            {
                (traceParents ??= [])[item.Summary.LoadId] = item.TraceParent;
            }
        }

        foreach (var (clientId, loads) in batch)
        {
            // The cursor stays where the poll put it: the signal only says "this one", not "everything before it".
            var created = await outbox.AddAsync(clientId, loads, advanceCursor: false, cancellationToken, traceParents);
            if (created > 0)
            {
                LogQueued(logger, created, clientId);
            }
        }
    }

    /// <summary>Reads every account's loads since its cursor and queues what is missing; one account failing does not stop the others.</summary>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        foreach (var clientId in await outbox.AccountsWithEnabledHooksAsync(cancellationToken))
        {
            try
            {
                await PollAccountAsync(clientId, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPollFailed(logger, clientId, ex);
            }
        }
    }

    private async Task PollAccountAsync(long clientId, CancellationToken cancellationToken)
    {
        var cursor = await outbox.GetCursorAsync(clientId, cancellationToken) ?? time.GetUtcNow().UtcDateTime;
        var destination = await destinations.GetAsync(clientId, cancellationToken);
        var after = cursor - options.Value.OutboxLookback;
        while (true)
        {
            var loads = await destination.GetLoadsAsync(null, after, PageSize, cancellationToken);

            // Loads batched in the last PollGrace are left to the loader's signal, which carries the load's trace: the poll
            // sees a commit on its own connection before the loader signals it, and a delivery it queued first was sent
            // without the trace. The cursor stops before them, so a signal that never comes (a crash) is made up for later.
            var settled = time.GetUtcNow().UtcDateTime - PollGrace;
            var ready = loads.TakeWhile(l => l.BatchedAt <= settled).ToList();
            if (ready.Count == 0)
            {
                return;
            }

            var created = await outbox.AddAsync(clientId, ready, advanceCursor: true, cancellationToken);
            if (created > 0)
            {
                LogRecovered(logger, created, clientId);
            }

            if (ready.Count < PageSize)
            {
                return;
            }

            after = loads[^1].BatchedAt;
        }
    }

    [LoggerMessage(EventId = LogEvents.Outbox.Queued, Level = LogLevel.Debug, Message = "Queued {Count} post-load deliveries of account {ClientId}")]
    private static partial void LogQueued(ILogger logger, int count, long clientId);

    [LoggerMessage(EventId = LogEvents.Outbox.Recovered, Level = LogLevel.Information, Message = "The outbox poll queued {Count} post-load deliveries of account {ClientId} that the fast path had not")]
    private static partial void LogRecovered(ILogger logger, int count, long clientId);

    [LoggerMessage(EventId = LogEvents.Outbox.PollFailed, Level = LogLevel.Warning, Message = "Could not read the committed loads of account {ClientId} for its hooks; trying again at the next poll")]
    private static partial void LogPollFailed(ILogger logger, long clientId, Exception exception);

    [LoggerMessage(EventId = LogEvents.Outbox.LoopFailed, Level = LogLevel.Error, Message = "The hook outbox loop failed; it goes on at the next poll")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
