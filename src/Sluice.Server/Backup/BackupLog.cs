namespace Sluice.Server.Backup;

internal static partial class BackupLog
{
    [LoggerMessage(LogEvents.Backup.Copied, LogLevel.Information, "Backup: copied {Store} ({Bytes} bytes) in {Milliseconds} ms")]
    public static partial void Copied(ILogger logger, string store, long bytes, long milliseconds);

    [LoggerMessage(LogEvents.Backup.Staged, LogLevel.Information, "Backup staged: {Files} files, {Bytes} bytes in {Milliseconds} ms")]
    public static partial void Staged(ILogger logger, int files, long bytes, long milliseconds);
}
