namespace Sluice.Server.Loading;

/// <summary>What the loader last did for one source; shown by the stats endpoint and the dashboard.</summary>
public sealed record SourceLoadStatus(
    DateTimeOffset? LastLoadAt,
    string? LastTableLoaded,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    int ConsecutiveFailures,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? FailingSince = null,
    bool Emailed = false)
{
    /// <summary>
    /// While a failed load is being split (<see cref="LoaderWorker"/>): the most records the next load takes. Null: no limit
    /// but the <see cref="LoadingOptions"/>.
    /// </summary>
    public int? RecordCap { get; init; }

    /// <summary>The last sequence of the load that failed and was split: the cap holds until the checkpoint passes it.</summary>
    public long CapThrough { get; init; }

    /// <summary>The sequence of a record whose load of its own failed once; failing again, it is rejected.</summary>
    public long? SingleFailed { get; init; }

    /// <summary>Loads split since the server started, because the destination failed on what they held.</summary>
    public int LoadsSplit { get; init; }

    /// <summary>Records rejected since the server started because the destination failed on each of them alone.</summary>
    public long RecordsRejected { get; init; }

    /// <summary>What the last of <see cref="RecordsRejected"/> was and why.</summary>
    public string? LastRejection { get; init; }


    public static readonly SourceLoadStatus Empty = new(null, null, null, null, 0, null);
}
