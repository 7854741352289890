namespace Sluice.Server.Backup;

internal static partial class BackupLog
{
    [LoggerMessage(9100, LogLevel.Information, "Backup: copied {Store} ({Bytes} bytes) in {Milliseconds} ms")]
    public static partial void Copied(ILogger logger, string store, long bytes, long milliseconds);

    [LoggerMessage(9101, LogLevel.Information, "Backup staged: {Files} files, {Bytes} bytes in {Milliseconds} ms")]
    public static partial void Staged(ILogger logger, int files, long bytes, long milliseconds);
}
