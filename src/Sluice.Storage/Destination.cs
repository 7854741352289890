namespace Sluice.Storage;

/// <summary>Where an account's data is loaded: the embedded DuckDB file by default, or PostgreSQL.</summary>
public sealed class Destination
{
    public const string DuckDbType = "duckdb";
    public const string PostgresType = "postgres";

    public long Id { get; set; }

    public long AccountId { get; set; }

    /// <summary><see cref="DuckDbType"/> or <see cref="PostgresType"/>.</summary>
    public required string Type { get; set; }

    public required string Name { get; set; }

    /// <summary>Connection settings as a JSON object, e.g. <c>{"path":"warehouse/1.duckdb"}</c>.</summary>
    public required string ConnectionJson { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
