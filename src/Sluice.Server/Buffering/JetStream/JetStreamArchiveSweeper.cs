using Microsoft.Extensions.Options;

namespace Sluice.Server.Buffering.JetStream;

/// <summary>
/// Removes from the record stream the loaded messages that have outlived <see cref="BufferOptions.Retention"/> (and, with no
/// retention, any a failed purge left): once the index has caught up, then every <see cref="BufferOptions.SweepInterval"/>.
/// Every node sweeps; cursor updates are compare-and-set, so two sweeps at once remove nothing twice.
/// </summary>
public sealed partial class JetStreamArchiveSweeper(
    JetStreamRecordBuffer buffer, JetStreamIndex index, IOptions<BufferOptions> options, TimeProvider time, ILogger<JetStreamArchiveSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            if (!index.CaughtUp)
            {
                continue;
            }

            try
            {
                var swept = await buffer.SweepArchiveAsync(stoppingToken);
                if (swept > 0)
                {
                    LogSwept(logger, swept, options.Value.Retention);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 2108, Level = LogLevel.Information, Message = "Removed {Records} loaded records older than the retention of {Retention} from the record stream")]
    private static partial void LogSwept(ILogger logger, long records, TimeSpan retention);

    [LoggerMessage(EventId = 2109, Level = LogLevel.Warning, Message = "Could not sweep the record stream's archive; trying again at the next sweep")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
