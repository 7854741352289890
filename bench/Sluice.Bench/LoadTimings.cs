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
    private long _lastReadEnd;
    private long _lastTablesTicks;

    public static long Now => Stopwatch.GetTimestamp();

    public double ReadSeconds => Seconds(_readTicks);

    public double DeleteSeconds => Seconds(_deleteTicks);

    public double PendingSeconds => Seconds(_pendingTicks);

    public long PendingCalls => Interlocked.Read(ref _pendingCalls);

    public double TablesSeconds => Seconds(_tablesTicks);

    public double CheckpointSeconds => Seconds(_checkpointTicks);

    public double CommitSeconds => Seconds(_commitTicks);

    /// <summary>From the end of the buffer read to the start of the commit, less the table lookup: the planner and request building.</summary>
    public double PlanSeconds => Seconds(_planTicks);

    public long Loads => Interlocked.Read(ref _loads);

    public void Read(long start)
    {
        var end = Now;
        Interlocked.Add(ref _readTicks, end - start);
        Interlocked.Exchange(ref _lastReadEnd, end);
        Interlocked.Exchange(ref _lastTablesTicks, 0);
    }

    public void Delete(long start) => Interlocked.Add(ref _deleteTicks, Now - start);

    public void Pending(long start)
    {
        Interlocked.Add(ref _pendingTicks, Now - start);
        Interlocked.Increment(ref _pendingCalls);
    }

    public void Tables(long start)
    {
        var ticks = Now - start;
        Interlocked.Add(ref _tablesTicks, ticks);
        Interlocked.Add(ref _lastTablesTicks, ticks);
    }

    public void Checkpoint(long start) => Interlocked.Add(ref _checkpointTicks, Now - start);

    public void CommitStarting() =>
        Interlocked.Add(ref _planTicks, Now - Interlocked.Read(ref _lastReadEnd) - Interlocked.Read(ref _lastTablesTicks));

    public void Committed(long start)
    {
        Interlocked.Add(ref _commitTicks, Now - start);
        Interlocked.Increment(ref _loads);
    }

    private static double Seconds(long ticks) => (double)Interlocked.Read(ref ticks) / Stopwatch.Frequency;
}
