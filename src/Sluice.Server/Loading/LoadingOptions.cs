using Sluice.Destinations.DuckDb;

namespace Sluice.Server.Loading;

/// <summary>When loads start and how large they get. Section <c>Loading</c>.</summary>
public sealed class LoadingOptions
{
    public const string Section = "Loading";

    /// <summary>A load starts when the oldest pending record of a source is this old. Default 2 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A load starts at once when this many records are pending, and takes what is pending up to this many (past them, only
    /// a backlog's full parts: <see cref="MaxRecordsPerLoad"/>). Default 10,000.
    /// </summary>
    public int MaxRecords { get; set; } = 10_000;

    /// <summary>
    /// Records read and planned at a time: a load is written part by part, each part planned while the one before it is
    /// written. Small parts keep what is alive at once small (a part being planned and one being written), which is what
    /// the garbage collector copies; very small ones pay the destination's per-part cost (an appender or a COPY) too often.
    /// Default 2,500, the fastest of the sizes measured (bench/RESULTS.md, Loading: "2,500-record parts"); at most
    /// <see cref="MaxRecords"/>.
    /// </summary>
    public int PartRecords { get; set; } = 2_500;

    /// <summary>
    /// Under a backlog (another full part already pending past <see cref="MaxRecords"/>), a load goes on with the next parts
    /// in the same destination transaction, up to this many records in all. One load,
    /// one commit, one <c>_sluice_loads</c> row and one post-load hook call, instead of one per part: DuckDB writes whole
    /// row groups instead of WAL and checkpoints. A part that changes the schema starts a load of its own. Default
    /// 250,000; at most <see cref="MaxRecords"/> turns this off (a load takes at most <see cref="MaxRecords"/>).
    /// </summary>
    public int MaxRecordsPerLoad { get; set; } = 250_000;

    /// <summary>
    /// A load of several parts takes no further part once it holds this many table rows (subtables included): nested
    /// records make ten or more rows each, and one DuckDB transaction keeps part of its rows in memory until it commits.
    /// Default 500,000 (a backlog of 300,000 nested orders of 10 rows each loads at under 512 MB resident).
    /// </summary>
    public long MaxRowsPerLoad { get; set; } = 500_000;

    /// <summary>A load starts at once when this many bytes of JSON are pending, and takes at most this many. Default 32 MiB.</summary>
    public long MaxBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// With several nodes (<c>Buffer:Provider</c> = <c>nats</c>): how long a node's hold on a source (its lease in the control
    /// plane) lasts without renewal. A node renews it every third of this while it loads; when the node dies, another takes
    /// the source over within this time. Default 15 s.
    /// </summary>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the loader looks at the buffer when nothing is due. Default 200 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The first wait after a failed load; doubles per failure up to <see cref="MaxRetryDelay"/>. Default 1 s.</summary>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts while a destination keeps failing. Default 60 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a source's loads must keep failing before the account's recipients get one email about it (BEHAVIOUR.md §9:
    /// Stitch's "Data loading error" waits 2 h, so a short outage does not wake anyone). The in-app notification is at once.
    /// Default 2 h.
    /// </summary>
    public TimeSpan ErrorEmailDelay { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// DuckDB's <c>memory_limit</c> for each account's DuckDB file: a size, or <c>"auto"</c> (the default), sized by the
    /// columns a load holds open: the file's widest table, or all the tables one load writes together (<see cref="DuckDbMemory"/>,
    /// which says why: from 128 MiB for narrow events to 2,112 MiB for a table at the full width).
    /// A load that needs more fails, and is then split (<see cref="LoaderWorker"/>): at worst one record that cannot be
    /// loaded at all goes to <c>_sdc_rejected</c>.
    /// </summary>
    public string DuckDbMemoryLimit { get; set; } = DuckDbDestinationOptions.AutoMemoryLimit;

    /// <summary>Sources loaded at the same time (one load per source at a time, always). Default 2.</summary>
    public int MaxConcurrentLoads { get; set; } = 2;
}
