namespace Sluice.Core.Buffering;

/// <summary>What the buffer holds, not yet loaded, for one source.</summary>
public sealed record PendingSource(
    long SourceId,
    long Records,
    long Bytes,
    DateTimeOffset OldestReceivedAt,
    DateTimeOffset NewestReceivedAt);
