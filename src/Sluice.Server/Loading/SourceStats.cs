namespace Sluice.Server.Loading;

/// <summary>
/// The dashboard figures of one source (BEHAVIOUR.md §8): Last Rows Received, Rows/Tables to be Loaded, Rows Loaded Today
/// (since 00:00 UTC), Last Table Loaded, and the last load error while it lasts; beyond Stitch, the raw archive of loaded
/// records kept for <c>Buffer:Retention</c> (records, JSON bytes, receive time of the oldest; null when empty).
/// </summary>
public sealed record SourceStats(
    long SourceId,
    string Status,
    DateTime? LastRowsReceivedAt,
    long RowsToBeLoaded,
    int TablesToBeLoaded,
    long RowsLoadedToday,
    string? LastTableLoaded,
    DateTime? LastTableLoadedAt,
    string? LastLoadError,
    DateTime? LastLoadErrorAt,
    long ArchiveRecords,
    long ArchiveBytes,
    DateTime? ArchiveOldestReceivedAt);
