namespace Sluice.Core.Buffering;

/// <summary>
/// What the raw archive holds for one source: loaded records kept for <c>Buffer:Retention</c>, their JSON bytes and the
/// receive time of the oldest (null when the archive holds none).
/// </summary>
public sealed record ArchiveStats(long Records, long Bytes, DateTimeOffset? OldestReceivedAt)
{
    public static readonly ArchiveStats Empty = new(0, 0, null);
}
