using System.Globalization;

namespace Sluice.Bench;

/// <summary>
/// Samples a process's resident memory (VmRSS in /proc/&lt;pid&gt;/status) on a timer and keeps the highest value; also reads the
/// kernel's own high-water mark (VmHWM). For this process the mark can be reset, so set-up work before the timed part is not counted.
/// </summary>
public sealed class MemoryMeter : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _maxRssKb;

    private MemoryMeter(int pid, TimeSpan every)
    {
        _pid = pid;
        _sampler = SampleAsync(every, _stop.Token);
    }

    public long MaxSampledRssMb => Interlocked.Read(ref _maxRssKb) / 1024;

    public static MemoryMeter Start(int pid, TimeSpan every) => new(pid, every);

    /// <summary>Forgets this process's peak RSS so far (writes 5 to /proc/self/clear_refs, Linux 4.0+).</summary>
    public static void ResetOwnPeak()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            // Older kernels: the peak then includes set-up; the sampled maximum still only covers the timed part.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>VmHWM or VmRSS of <paramref name="pid"/> in MB, or -1 when the process is gone.</summary>
    public static long ReadMb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kb / 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task SampleAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        do
        {
            var mb = ReadMb(_pid, "VmRSS");
            if (mb >= 0 && mb * 1024 > Interlocked.Read(ref _maxRssKb))
            {
                Interlocked.Exchange(ref _maxRssKb, mb * 1024);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
