namespace Sluice.Server.Buffering;

/// <summary>The buffer and its raw archive, bound from the <c>Buffer</c> configuration section.</summary>
public sealed class BufferOptions
{
    public const string Section = "Buffer";

    public const string Sqlite = "sqlite";

    public const string Nats = "nats";

    /// <summary>
    /// <c>sqlite</c> (default): <c>buffer.db</c> in the data directory, one node. <c>nats</c>: a NATS JetStream stream
    /// (<c>Buffer:Nats</c>, <see cref="JetStream.JetStreamOptions"/>) shared by several nodes, with the control plane on
    /// PostgreSQL and PostgreSQL destinations.
    /// </summary>
    public string Provider { get; set; } = Sqlite;

    public bool IsNats => string.Equals(Provider, Nats, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// How long a loaded record is kept, with its headers, in the raw archive (<c>archived_blocks</c>) so that a source can be
    /// rebuilt from it: a block goes once its newest record was received and it was archived more than this long ago.
    /// <c>00:00:00</c> keeps no archive (loaded records are deleted, and the next sweep empties what an earlier setting kept).
    /// Default 7 days.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the archive is swept of what has outlived <see cref="Retention"/> (also once at start). Default 5 minutes.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);
}
