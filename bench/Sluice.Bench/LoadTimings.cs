using System.Diagnostics;

namespace Sluice.Bench;

/// <summary>Where a load run's time went, summed over its loads (filled by <see cref="TimedBuffer"/> and <see cref="TimedDestination"/>).</summary>
public sealed class LoadTimings
{
    private long _readTicks;
    private long _deleteTicks;
    private long _pendingTicks;
    private long _pendingCalls;
    private long _tablesTicks;
    private long _checkpointTicks;
    private long _commitTicks;
    private long _planTicks;
    private long _loads;
    private long _parts;

    public static long Now => Stopwatch.GetTimestamp();

    public double ReadSeconds => Seconds(_readTicks);

    public double DeleteSeconds => Seconds(_deleteTicks);

    public double PendingSeconds => Seconds(_pendingTicks);

    public long PendingCalls => Interlocked.Read(ref _pendingCalls);

    public double TablesSeconds => Seconds(_tablesTicks);

    public double CheckpointSeconds => Seconds(_checkpointTicks);

    public double CommitSeconds => Seconds(_commitTicks);

    /// <summary>The planner's time, summed over the parts (the loader's sluice.load.plan.duration).</summary>
    public double PlanSeconds => Seconds(_planTicks);

    /// <summary>How many parts were planned (a load under a backlog takes several).</summary>
    public long Parts => Interlocked.Read(ref _parts);

    public long Loads => Interlocked.Read(ref _loads);

    public void Read(long start)
    {
        Interlocked.Add(ref _readTicks, Now - start);
    }

    public void Delete(long start) => Interlocked.Add(ref _deleteTicks, Now - start);

    public void Pending(long start)
    {
        Interlocked.Add(ref _pendingTicks, Now - start);
        Interlocked.Increment(ref _pendingCalls);
    }

    public void Tables(long start)
    {
        Interlocked.Add(ref _tablesTicks, Now - start);
    }

    public void Checkpoint(long start) => Interlocked.Add(ref _checkpointTicks, Now - start);

    public void Planned(double seconds)
    {
        Interlocked.Add(ref _planTicks, (long)(seconds * Stopwatch.Frequency));
        Interlocked.Increment(ref _parts);
    }

    public void Committed(long start)
    {
        Interlocked.Add(ref _commitTicks, Now - start);
        Interlocked.Increment(ref _loads);
    }

    private static double Seconds(long ticks) => (double)Interlocked.Read(ref ticks) / Stopwatch.Frequency;
}
