namespace Sluice.Destinations.DuckDb;

/// <summary>Settings of one account's DuckDB file, applied when the file is opened and then locked.</summary>
public sealed record DuckDbDestinationOptions
{
    /// <summary>
    /// DuckDB's <c>memory_limit</c> (e.g. <c>"256MB"</c>); <see cref="AutoMemoryLimit"/> sizes it by the columns a load holds
    /// open (<see cref="DuckDbMemory"/>); null keeps DuckDB's default (80% of RAM).
    /// </summary>
    public string? MemoryLimit { get; init; }

    /// <summary>The <see cref="MemoryLimit"/> sized by the columns a load holds open (<see cref="DuckDbMemory"/>): <c>"auto"</c>.</summary>
    public const string AutoMemoryLimit = "auto";

    /// <summary>DuckDB's <c>threads</c>; null keeps DuckDB's default (all cores).</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// DuckDB's <c>checkpoint_threshold</c>: how much WAL builds up before DuckDB writes it into the file. Default <c>"64MiB"</c>
    /// (DuckDB's own is 16MB): every load is its own small commit through the WAL, and each checkpoint compresses the table's
    /// last row group again, so fewer checkpoints cost less CPU; the WAL replayed after a crash stays small. Null keeps DuckDB's default.
    /// </summary>
    public string? CheckpointThreshold { get; init; } = "64MiB";

    /// <summary>How long one ad-hoc query may run before it is interrupted. Default 30 s.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
