using System.Globalization;

namespace Sluice.Bench;

/// <summary>What the garbage collector did over a timed part: time the process was paused for it, collections, bytes allocated.</summary>
/// <param name="JitSeconds">Time the JIT spent compiling methods (tier-ups included) in the timed part, on any thread.</param>
public readonly record struct GcUsed(double PauseSeconds, int Gen0, int Gen1, int Gen2, double AllocatedMb, double JitSeconds, long JitMethods)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"GC: paused {PauseSeconds:F2} s, collections gen0 {Gen0} / gen1 {Gen1} / gen2 {Gen2}, allocated {AllocatedMb:N0} MB; JIT: {JitMethods:N0} methods compiled in {JitSeconds:F2} s");
}

/// <summary>Counts the garbage collector's (and the JIT's) work from <see cref="Start"/> to <see cref="Stop"/>.</summary>
public sealed class GcMeter
{
    private readonly TimeSpan _pause = GC.GetTotalPauseDuration();
    private readonly int _gen0 = GC.CollectionCount(0);
    private readonly int _gen1 = GC.CollectionCount(1);
    private readonly int _gen2 = GC.CollectionCount(2);
    private readonly long _allocated = GC.GetTotalAllocatedBytes(precise: false);
    private readonly TimeSpan _jit = System.Runtime.JitInfo.GetCompilationTime();
    private readonly long _jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();

    private GcMeter()
    {
    }

    public static GcMeter Start() => new();

    public GcUsed Stop() => new(
        (GC.GetTotalPauseDuration() - _pause).TotalSeconds,
        GC.CollectionCount(0) - _gen0,
        GC.CollectionCount(1) - _gen1,
        GC.CollectionCount(2) - _gen2,
        (GC.GetTotalAllocatedBytes(precise: false) - _allocated) / 1024.0 / 1024.0,
        (System.Runtime.JitInfo.GetCompilationTime() - _jit).TotalSeconds,
        System.Runtime.JitInfo.GetCompiledMethodCount() - _jitMethods);
}
