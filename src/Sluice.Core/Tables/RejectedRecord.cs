namespace Sluice.Core.Tables;

/// <summary>A row of <c>_sdc_rejected</c>: a record (or the part of it) that could not be loaded, and why.</summary>
/// <param name="Record">The raw record JSON, truncated to fit (at most 64 KiB).</param>
public sealed record RejectedRecord(DateTime RejectedAt, string TableName, string Reason, string Record);
