using System.Diagnostics;
using System.Globalization;

namespace Sluice.Cli.Commands.Backup;

/// <summary>Progress of a long copy on stderr: a line per file, and for a large file a line every few seconds.</summary>
internal sealed class BackupProgress(TextWriter error, string verb, long totalBytes)
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last;

    public long Bytes { get; private set; }

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Add(long bytes, string file)
    {
        Bytes += bytes;
        if (_clock.Elapsed - _last >= Every)
        {
            Write(file);
        }
    }

    public void Done(string file) => Write(file);

    public static string Size(long bytes) => bytes >= 1 << 20
        ? (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB"
        : (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB";

    private void Write(string file)
    {
        _last = _clock.Elapsed;
        var percent = totalBytes > 0 ? (100.0 * Bytes / totalBytes).ToString("0", CultureInfo.InvariantCulture) + "%" : "?";
        error.WriteLine($"{verb} {Size(Bytes)} of {Size(totalBytes)} ({percent}), {file}");
    }
}
