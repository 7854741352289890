namespace Sluice.Server.Buffering;

/// <summary>
/// Hands out <c>_sdc_sequence</c> values: epoch nanoseconds, strictly increasing per source, consecutive within one
/// request so array order is kept. Starts from the persisted high-water marks, so a clock that steps back (or a restart
/// within the same nanosecond) never produces a sequence at or below one already given. Not thread-safe: the single
/// buffer writer owns it.
/// </summary>
public sealed class SequenceAssigner
{
    private readonly Dictionary<long, long> _last;

    public SequenceAssigner(IReadOnlyDictionary<long, long>? persistedHighWaterMarks = null)
    {
        _last = persistedHighWaterMarks is null ? [] : new Dictionary<long, long>(persistedHighWaterMarks);
    }

    /// <summary>Epoch nanoseconds of <paramref name="time"/> (100 ns resolution).</summary>
    public static long ToEpochNanoseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>
    /// Reserves <paramref name="count"/> consecutive sequences for <paramref name="sourceId"/>, the first at
    /// <paramref name="nowNanoseconds"/> or just above the last one given, whichever is greater; returns the first.
    /// </summary>
    public long Reserve(long sourceId, long nowNanoseconds, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var first = _last.TryGetValue(sourceId, out var last) && last >= nowNanoseconds ? last + 1 : nowNanoseconds;
        _last[sourceId] = first + count - 1;
        return first;
    }

    /// <summary>The last sequence given for <paramref name="sourceId"/>, if any.</summary>
    public long? LastFor(long sourceId) => _last.TryGetValue(sourceId, out var last) ? last : null;
}
