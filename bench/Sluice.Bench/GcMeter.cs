using System.Globalization;

namespace Sluice.Bench;

/// <summary>What the garbage collector did over a timed part: time the process was paused for it, collections, bytes allocated.</summary>
public readonly record struct GcUsed(double PauseSeconds, int Gen0, int Gen1, int Gen2, double AllocatedMb)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"GC: paused {PauseSeconds:F2} s, collections gen0 {Gen0} / gen1 {Gen1} / gen2 {Gen2}, allocated {AllocatedMb:N0} MB");
}

/// <summary>Counts the garbage collector's work from <see cref="Start"/> to <see cref="Stop"/>.</summary>
public sealed class GcMeter
{
    private readonly TimeSpan _pause = GC.GetTotalPauseDuration();
    private readonly int _gen0 = GC.CollectionCount(0);
    private readonly int _gen1 = GC.CollectionCount(1);
    private readonly int _gen2 = GC.CollectionCount(2);
    private readonly long _allocated = GC.GetTotalAllocatedBytes(precise: false);

    private GcMeter()
    {
    }

    public static GcMeter Start() => new();

    public GcUsed Stop() => new(
        (GC.GetTotalPauseDuration() - _pause).TotalSeconds,
        GC.CollectionCount(0) - _gen0,
        GC.CollectionCount(1) - _gen1,
        GC.CollectionCount(2) - _gen2,
        (GC.GetTotalAllocatedBytes(precise: false) - _allocated) / 1024.0 / 1024.0);
}
