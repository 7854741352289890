using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Sluice.Core.Buffering;
using Sluice.Core.Loading;
using Sluice.Core.Normalization;
using Sluice.Server.Buffering;
using Sluice.Server.Destinations;
using Sluice.Server.Operations;

namespace Sluice.Server.Loading;

/// <summary>
/// Watches the buffer and starts a load for each source whose oldest pending record is <see cref="LoadingOptions.Interval"/>
/// old, or whose pending records or bytes reach the limits, and a reload for each source that asked for one (checked about
/// once a second; <see cref="SourceLoader.ReloadAsync"/>). One load or reload per source at a time; failing sources back off.
/// </summary>
public sealed partial class LoaderWorker(
    IRecordBuffer buffer,
    SourceLoader loader,
    LoadStatusTracker statuses,
    ILoadFailureNotifier notifier,
    ILoadTargetCatalog catalog,
    TimeProvider time,
    IOptions<LoadingOptions> options,
    ILogger<LoaderWorker> logger,
    SluiceMetrics? metrics = null,
    ISourceLeases? leases = null) : BackgroundService
{
    private readonly ISourceLeases _leases = leases ?? new SingleNodeLeases();

    private readonly HashSet<long> _running = [];

    /// <summary>How often the control plane is asked for requested reloads.</summary>
    private static readonly TimeSpan ReloadCheckInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var slots = new SemaphoreSlim(o.MaxConcurrentLoads);
        var inFlight = new List<Task>();
        var reloadsCheckedAt = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = time.GetUtcNow();
                if (now - reloadsCheckedAt >= ReloadCheckInterval)
                {
                    reloadsCheckedAt = now;
                    foreach (var target in await catalog.GetReloadsRequestedAsync(stoppingToken))
                    {
                        if (statuses.IsBackingOff(target.SourceId) || !await TryClaimAsync(target.SourceId, stoppingToken))
                        {
                            continue;
                        }

                        await slots.WaitAsync(stoppingToken);
                        inFlight.Add(RunHeldAsync(target.SourceId, slots, token => RunReloadAsync(target, token), stoppingToken));
                    }
                }

                var pending = await buffer.GetPendingAsync(stoppingToken);
                foreach (var source in pending)
                {
                    if (!IsDue(source, now, o) || statuses.IsBackingOff(source.SourceId))
                    {
                        continue;
                    }

                    if (!await TryClaimAsync(source.SourceId, stoppingToken))
                    {
                        continue;
                    }

                    await slots.WaitAsync(stoppingToken);
                    inFlight.Add(RunHeldAsync(source.SourceId, slots, token => RunLoadAsync(source.SourceId, token), stoppingToken));
                }

                inFlight.RemoveAll(t => t.IsCompleted);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogLoopFailed(logger, ex);
            }

            try
            {
                await Task.Delay(o.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        // Let loads in flight finish or be cancelled; their records stay in the buffer either way.
        await Task.WhenAll(inFlight).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Claims a source for one run on this node: not running here already, and its lease taken (another node may hold it).</summary>
    private async Task<bool> TryClaimAsync(long sourceId, CancellationToken cancellationToken)
    {
        lock (_running)
        {
            if (!_running.Add(sourceId))
            {
                return false;
            }
        }

        var held = false;
        try
        {
            held = await _leases.TryAcquireAsync(sourceId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLeaseFailed(logger, sourceId, ex);
        }

        if (!held)
        {
            lock (_running)
            {
                _running.Remove(sourceId);
            }
        }

        return held;
    }

    /// <summary>
    /// Runs <paramref name="run"/> under the source's lease: renewed every third of <see cref="LoadingOptions.LeaseTimeout"/>;
    /// when it is lost (another node took it after a renewal failed), the run is cancelled (its commit is fenced by the
    /// destination's checkpoint anyway). The lease is given up at the end, and the source freed on this node.
    /// </summary>
    private async Task RunHeldAsync(long sourceId, SemaphoreSlim slots, Func<CancellationToken, Task> run, CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var done = new CancellationTokenSource();
        var renewing = RenewAsync(sourceId, lost, done.Token);
        try
        {
            await run(lost.Token);
        }
        finally
        {
            await done.CancelAsync();
            await renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                await _leases.ReleaseAsync(sourceId, CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogLeaseFailed(logger, sourceId, ex);
            }

            lock (_running)
            {
                _running.Remove(sourceId);
            }

            slots.Release();
        }
    }

    private async Task RenewAsync(long sourceId, CancellationTokenSource lost, CancellationToken done)
    {
        var timeout = options.Value.LeaseTimeout;
        var heldUntil = time.GetUtcNow() + timeout;
        while (!done.IsCancellationRequested)
        {
            await Task.Delay(timeout / 3, time, done);
            try
            {
                if (!await _leases.RenewAsync(sourceId, done))
                {
                    LogLeaseLost(logger, sourceId, _leases.Holder);
                    await lost.CancelAsync();
                    return;
                }

                heldUntil = time.GetUtcNow() + timeout;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLeaseFailed(logger, sourceId, ex);
                if (time.GetUtcNow() >= heldUntil)
                {
                    LogLeaseLost(logger, sourceId, _leases.Holder);
                    await lost.CancelAsync();
                    return;
                }
            }
        }
    }

    /// <summary>
    /// One reload; its outcome goes to the control plane (the request cleared unless a newer one came meanwhile). A failure
    /// leaves the old tables and the request, which runs again after the source's back-off, and is told like a load's.
    /// </summary>
    private async Task RunReloadAsync(LoadTarget target, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await loader.ReloadAsync(target, cancellationToken);
            if (outcome.Refused is null)
            {
                statuses.Succeeded(target.SourceId, null);
            }

            await catalog.CompleteReloadAsync(target.SourceId, target.ReloadRequestedAt ?? outcome.CompletedAt, outcome, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            await FailedAsync(target.SourceId, ex, cancellationToken);
        }
    }

    internal static bool IsDue(PendingSource source, DateTimeOffset now, LoadingOptions o) =>
        source.Records >= o.MaxRecords || source.Bytes >= o.MaxBytes || now - source.OldestReceivedAt >= o.Interval;

    private async Task RunLoadAsync(long sourceId, CancellationToken cancellationToken)
    {
        Activity? span = null;
        try
        {
            // Keep loading while due batches remain, so a backlog drains without waiting for the next poll. Under a backlog a
            // load takes several parts in one destination transaction, each planned while the one before it is written
            // (SourceLoader.CommitAsync), and the next load is planned and written while the last one's records leave the
            // buffer. A load's records leave the buffer only after its commit; a failed delete fails the source's run here.
            // Each load is one span (a root: a load serves many requests), its parts and transaction children of it.
            span = StartLoadSpan(sourceId);
            var load = await loader.PrepareAsync(sourceId, cancellationToken, statuses.Get(sourceId).RecordCap);
            if (load is null)
            {
                // Nothing past the destination's checkpoint: e.g. the last attempt committed but could not clear the
                // buffer. The records are loaded, so the error streak is over.
                statuses.Recovered(sourceId);
            }

            var deleting = Task.CompletedTask;
            try
            {
                while (load is not null && !cancellationToken.IsCancellationRequested)
                {
                    var loaded = await CommitOrSplitAsync(load, cancellationToken);
                    if (loaded is null)
                    {
                        // Split: the next, smaller load starts at the next poll.
                        span.Failed("The destination failed on the load's records; the next loads take fewer");
                        break;
                    }

                    span?.Dispose();
                    span = StartLoadSpan(sourceId);

                    var summary = loaded.Summary;
                    var lastTable = summary.Tables.Count > 0 ? $"{summary.Schema}.{summary.Tables[^1].Table}" : null;
                    statuses.Succeeded(sourceId, lastTable);
                    statuses.Passed(sourceId, loaded.Checkpoint);
                    metrics?.LoadSucceeded(summary.Tables.Sum(t => t.RowsLoaded));
                    await deleting;
                    deleting = loaded.BufferDelete;

                    load = await loader.PrepareAfterAsync(loaded, cancellationToken, statuses.Get(sourceId).RecordCap);
                    if (load is not null)
                    {
                        continue;
                    }

                    await deleting;
                    var pending = await buffer.GetPendingAsync(cancellationToken);
                    var mine = pending.FirstOrDefault(p => p.SourceId == sourceId);
                    if (mine is null || !IsDue(mine, time.GetUtcNow(), options.Value))
                    {
                        break;
                    }

                    load = await loader.PrepareAsync(sourceId, cancellationToken, statuses.Get(sourceId).RecordCap);
                }
            }
            catch
            {
                // The run failed: the last delete still finishes before the source is free; the run's own error is the one told.
                await deleting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }

            await deleting;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            span.Failed(ex);
            await FailedAsync(sourceId, ex, cancellationToken);
        }
        finally
        {
            EndLoadSpan(span);
        }
    }

    private static Activity? StartLoadSpan(long sourceId)
    {
        var span = SluiceTracing.Source.StartActivity(SluiceTracing.Load, ActivityKind.Internal, parentContext: default);
        span?.SetTag("sluice.source_id", sourceId);
        return span;
    }

    /// <summary>
    /// Ends a load's span; one that loaded nothing (begun in case a further load was due) is dropped instead of exported,
    /// so every <c>sluice.load</c> span is a load.
    /// </summary>
    private static void EndLoadSpan(Activity? span)
    {
        if (span is null)
        {
            return;
        }

        if (span.GetTagItem("sluice.load_id") is null && span.Status != ActivityStatusCode.Error)
        {
            span.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            span.IsAllDataRequested = false;
        }

        span.Dispose();
    }

    /// <summary>
    /// Commits <paramref name="load"/>. When the destination fails on what the load holds (not on being down, out of disk
    /// or refusing the user: <see cref="FailedOnContent"/>), one bad batch must not jam the source: a load of several records
    /// is split (the next loads take half as many, at once; null is returned), and a record that fails on its own twice,
    /// a back-off apart, goes to <c>_sdc_rejected</c> with the destination's error while the records around it load.
    /// </summary>
    private async Task<CommittedLoad?> CommitOrSplitAsync(PreparedLoad load, CancellationToken cancellationToken)
    {
        var sourceId = load.Target.SourceId;
        var progress = new LoadProgress();
        try
        {
            return await loader.CommitAsync(load, cancellationToken, progress);
        }
        catch (Exception ex) when (FailedOnContent(ex) && progress.Records > 0 && !cancellationToken.IsCancellationRequested)
        {
            var error = DestinationErrors.Describe(ex);
            if (progress.Records > 1)
            {
                var status = statuses.Split(sourceId, progress.Records, progress.LastSequence, error);
                metrics?.LoadFailed();
                LogLoadSplit(logger, sourceId, progress.Records, status.RecordCap ?? 1, ex);
                return null;
            }

            var sequence = load.Request.CheckpointSequence;
            if (statuses.Get(sourceId).SingleFailed != sequence)
            {
                // The first failure of this record alone: tried again after the back-off, as any failed load.
                statuses.SingleFailed(sourceId, sequence);
                throw;
            }

            var reason = RejectionReasons.DestinationFailed(error);
            var loaded = await loader.RejectAsync(load, reason, cancellationToken);
            var what = string.Create(
                CultureInfo.InvariantCulture,
                $"The record at sequence {sequence} could not be loaded into {load.Target.Schema} and went to {load.Target.Schema}._sdc_rejected: {error}");
            statuses.Rejected(sourceId, what);
            await NotifyRejectedAsync(load.Target, what + " The records around it were loaded.", cancellationToken);
            return loaded;
        }
    }

    /// <summary>
    /// Whether the destination failed on the load's content (its own kind <see cref="DestinationErrorKind.Other"/>: e.g.
    /// DuckDB out of memory for the load, a value PostgreSQL refuses), rather than being unreachable, full, refusing the
    /// credentials, or fenced off by another node's commit, which no split helps.
    /// </summary>
    internal static bool FailedOnContent(Exception ex) =>
        ex is DestinationException { Kind: DestinationErrorKind.Other } && ex.InnerException is not CheckpointMovedException;

    private async Task NotifyRejectedAsync(LoadTarget target, string message, CancellationToken cancellationToken)
    {
        try
        {
            await notifier.RecordRejectedAsync(target, message, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotifyFailed(logger, target.SourceId, ex);
        }
    }

    /// <summary>A failed load or reload: the source's status and back-off, the log, and the notifications of the streak.</summary>
    private async Task FailedAsync(long sourceId, Exception ex, CancellationToken cancellationToken)
    {
        var message = DestinationErrors.Describe(ex);
        var status = statuses.Failed(sourceId, message);
        metrics?.LoadFailed();
        LogLoadFailed(logger, sourceId, status.ConsecutiveFailures, status.NextAttemptAt, ex);
        var inApp = status.ConsecutiveFailures == 1;
        var emailSince = statuses.ClaimErrorEmail(sourceId);
        if (inApp || emailSince is not null)
        {
            await NotifyAsync(sourceId, message, inApp, emailSince, cancellationToken);
        }
    }

    /// <summary>The in-app notification at a streak's first failure; the email once it has lasted (<paramref name="emailSince"/>).</summary>
    private async Task NotifyAsync(long sourceId, string message, bool inApp, DateTimeOffset? emailSince, CancellationToken cancellationToken)
    {
        try
        {
            var target = await catalog.GetAsync(sourceId, cancellationToken);
            if (target is null)
            {
                return;
            }

            if (inApp)
            {
                await notifier.LoadFailedAsync(target, message, cancellationToken);
            }

            if (emailSince is { } since)
            {
                await notifier.LoadStillFailingAsync(target, message, since, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotifyFailed(logger, sourceId, ex);
        }
    }

    [LoggerMessage(EventId = LogEvents.Loading.LoadFailed, Level = LogLevel.Warning, Message = "Load of source {SourceId} failed ({Failures} in a row); next attempt at {NextAttemptAt}")]
    private static partial void LogLoadFailed(ILogger logger, long sourceId, int failures, DateTimeOffset? nextAttemptAt, Exception exception);

    [LoggerMessage(EventId = LogEvents.Loading.LoadSplit, Level = LogLevel.Warning, Message = "Load of source {SourceId} failed on its {Records} records; the next loads take at most {Cap}")]
    private static partial void LogLoadSplit(ILogger logger, long sourceId, int records, int cap, Exception exception);

    [LoggerMessage(EventId = LogEvents.Loading.LoopFailed, Level = LogLevel.Error, Message = "The loader loop failed; it goes on at the next poll")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEvents.Loading.LeaseLost, Level = LogLevel.Warning, Message = "Lost the lease of source {SourceId} (node {Holder}): another node loads it now; this node's run of it stops")]
    private static partial void LogLeaseLost(ILogger logger, long sourceId, string holder);

    [LoggerMessage(EventId = LogEvents.Loading.LeaseFailed, Level = LogLevel.Warning, Message = "Could not take, renew or give up the lease of source {SourceId} in the control plane")]
    private static partial void LogLeaseFailed(ILogger logger, long sourceId, Exception exception);

    [LoggerMessage(EventId = LogEvents.Loading.NotifyFailed, Level = LogLevel.Error, Message = "Could not record the load failure notification of source {SourceId}")]
    private static partial void LogNotifyFailed(ILogger logger, long sourceId, Exception exception);
}
