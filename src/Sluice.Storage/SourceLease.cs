namespace Sluice.Storage;

/// <summary>
/// Which node loads a source (<c>source_leases</c>), in a deployment of several nodes: one holder at a time, until
/// <see cref="ExpiresAt"/> (the database's clock), renewed while its loads run, free for another node once it lapses.
/// </summary>
public sealed class SourceLease
{
    public long SourceId { get; set; }

    /// <summary>The holding node: machine name, process id and a random suffix, as its log shows it.</summary>
    public string Holder { get; set; } = string.Empty;

    public DateTime AcquiredAt { get; set; }

    public DateTime ExpiresAt { get; set; }
}
