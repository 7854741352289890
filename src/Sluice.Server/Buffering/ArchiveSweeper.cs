using Microsoft.Extensions.Options;

namespace Sluice.Server.Buffering;

/// <summary>A buffer whose raw archive is swept of what has outlived <see cref="BufferOptions.Retention"/>.</summary>
public interface IArchiveSweep
{
    /// <summary>Removes what has outlived the retention; returns how many records went.</summary>
    Task<long> SweepArchiveAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Deletes from the buffer's raw archive what has outlived <see cref="BufferOptions.Retention"/>: once at start, then
/// every <see cref="BufferOptions.SweepInterval"/>. A failed sweep is logged and tried again at the next tick.
/// </summary>
public sealed partial class ArchiveSweeper(IArchiveSweep buffer, IOptions<BufferOptions> options, TimeProvider time, ILogger<ArchiveSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
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

    [LoggerMessage(EventId = LogEvents.Buffer.Swept, Level = LogLevel.Information, Message = "Deleted {Records} archived records older than the retention of {Retention}")]
    private static partial void LogSwept(ILogger logger, long records, TimeSpan retention);

    [LoggerMessage(EventId = LogEvents.Buffer.SweepFailed, Level = LogLevel.Warning, Message = "Could not sweep the buffer's archive; trying again at the next sweep")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
