using System.Diagnostics;
using System.Globalization;

namespace Sluice.Bench;

/// <summary>
/// How busy the machine was: the 1-minute load average, and this process's CPU seconds over a timed part. On a shared 2-core
/// machine wall time swings with other work; CPU seconds per record do not, so both are printed.
/// </summary>
public sealed class MachineLoad
{
    private readonly TimeSpan _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;

    public static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>CPU seconds (user + system, all threads) this process used since this object was made.</summary>
    public double CpuSeconds
    {
        get
        {
            using var self = Process.GetCurrentProcess();
            return (self.TotalProcessorTime - _cpuAtStart).TotalSeconds;
        }
    }
}
