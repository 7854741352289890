namespace Sluice.Destinations.DuckDb;

/// <summary>Settings of one account's DuckDB file, applied when the file is opened and then locked.</summary>
public sealed record DuckDbDestinationOptions
{
    /// <summary>DuckDB's <c>memory_limit</c> (e.g. <c>"256MB"</c>); null keeps DuckDB's default (80% of RAM).</summary>
    public string? MemoryLimit { get; init; }

    /// <summary>DuckDB's <c>threads</c>; null keeps DuckDB's default (all cores).</summary>
    public int? Threads { get; init; }

    /// <summary>How long one ad-hoc query may run before it is interrupted. Default 30 s.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
