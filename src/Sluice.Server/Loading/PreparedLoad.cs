using Sluice.Core.Loading;
using Sluice.Core.Tables;

namespace Sluice.Server.Loading;

/// <summary>
/// A planned, not yet committed load of one source (<see cref="SourceLoader.PrepareAsync"/>): the request for the
/// destination, how much of the buffer it covers, and the tables as they will be after it, so the next batch can be
/// planned while this one commits. <paramref name="TableVersion"/> is the source's table version its rows carry.
/// </summary>
public sealed record PreparedLoad(
    LoadTarget Target,
    IDestination Destination,
    LoadRequest Request,
    int Records,
    long Bytes,
    IReadOnlyList<TableSchema> TablesAfter,
    long TableVersion = 0)
{
    /// <summary>A load of a split (at most the records a failed load's split allows): written as this one part.</summary>
    public bool Capped { get; init; }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> before its first records were read: a load's duration runs from it to the commit.</summary>
    public long StartedAt { get; init; }

    /// <summary>When the part's buffer read started (UTC), for its span.</summary>
    public DateTime ReadStartedAt { get; init; }

    /// <summary>When the part was planned (UTC), for its span.</summary>
    public DateTime PlannedAt { get; init; }
}

/// <summary>How far a load got before it failed: the records and the last sequence handed to the destination.</summary>
public sealed class LoadProgress
{
    public int Records { get; private set; }

    public long LastSequence { get; private set; }

    internal void Handed(int records, long throughSequence)
    {
        Records += records;
        LastSequence = throughSequence;
    }
}

/// <summary>
/// A committed load (<see cref="SourceLoader.CommitAsync"/>): its summary, the checkpoint and tables it leaves, and the
/// deletion of its records from the buffer, still running when the commit returns.
/// </summary>
public sealed record CommittedLoad(
    LoadTarget Target,
    IDestination Destination,
    LoadSummary Summary,
    long Checkpoint,
    IReadOnlyList<TableSchema> TablesAfter,
    Task BufferDelete,
    long TableVersion = 0);
