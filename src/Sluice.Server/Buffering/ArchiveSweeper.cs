using Microsoft.Extensions.Options;

namespace Sluice.Server.Buffering;

/// <summary>
/// Deletes from <c>buffer.db</c>'s raw archive what has outlived <see cref="BufferOptions.Retention"/>: once at start, then
/// every <see cref="BufferOptions.SweepInterval"/>. A failed sweep is logged and tried again at the next tick.
/// </summary>
public sealed partial class ArchiveSweeper(SqliteRecordBuffer buffer, IOptions<BufferOptions> options, TimeProvider time, ILogger<ArchiveSweeper> logger)
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

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Deleted {Records} archived records older than the retention of {Retention}")]
    private static partial void LogSwept(ILogger logger, long records, TimeSpan retention);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Could not sweep the buffer's archive; trying again at the next sweep")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
