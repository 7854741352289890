namespace Sluice.Server.Loading;

/// <summary>
/// The dashboard figures of one source (BEHAVIOUR.md §8): Last Rows Received, Rows/Tables to be Loaded, Rows Loaded Today
/// (since 00:00 UTC, across every destination the account loaded into), Last Table Loaded, and the last load error while it lasts; beyond Stitch, the raw archive of loaded
/// records kept for <c>Buffer:Retention</c> (records, JSON bytes, receive time of the oldest; null when empty), a reload
/// asked for and not yet done, and the last reload: when, the table version it wrote, the records it loaded, how many of them
/// had been rejected before, or why it was refused; since the server started, records the destination failed on alone (sent to
/// <c>_sdc_rejected</c>; the last one and why) and loads split because the destination failed on what they held.
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
    DateTime? ArchiveOldestReceivedAt,
    DateTime? ReloadRequestedAt = null,
    DateTime? LastReloadAt = null,
    int? LastReloadVersion = null,
    long? LastReloadRecords = null,
    long? LastReloadRecovered = null,
    string? LastReloadRefused = null,
    long RecordsRejectedByDestination = 0,
    string? LastRecordRejectedByDestination = null,
    int LoadsSplit = 0)
{
    /// <summary>
    /// Why the account's destination cannot be read right now, when it cannot; the source's status is <c>error</c> for it only
    /// while records wait to be loaded (else the figures come from the control plane's load log and nothing is at risk).
    /// </summary>
    public string? DestinationError { get; init; }
}
