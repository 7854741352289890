namespace Sluice.Storage;

/// <summary>
/// One committed load as the control plane remembers it (<c>load_log</c>), whatever destination it went to: the dashboard's
/// figures and the web app's charts read these, so they survive a change of destination and answer while a destination is
/// down. Written by the loader right after the destination's commit (best effort: the destination's <c>_sluice_loads</c>
/// stays the record the checkpoint and the hooks rely on). Kept for <see cref="Retention"/>.
/// </summary>
public sealed class LoadLogEntry
{
    /// <summary>How long an entry is kept: the charts look back 24 hours, "today" at most as long.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(8);

    public long Id { get; set; }

    public long AccountId { get; set; }

    public long SourceId { get; set; }

    /// <summary>The load id of the destination's <c>_sluice_loads</c> row (unique: a load is logged once).</summary>
    public Guid LoadId { get; set; }

    /// <summary><c>duckdb</c> or <c>postgres</c>: where the load went.</summary>
    public string Destination { get; set; } = string.Empty;

    /// <summary>The load's <c>_sdc_batched_at</c>.</summary>
    public DateTime BatchedAt { get; set; }

    /// <summary>When the destination's commit returned.</summary>
    public DateTime CommittedAt { get; set; }

    /// <summary>From reading the first record from the buffer to the destination's commit, in milliseconds.</summary>
    public long DurationMs { get; set; }

    /// <summary>Buffered records the load took (one per JSON object posted).</summary>
    public long Records { get; set; }

    /// <summary>Table rows written, subtable rows included.</summary>
    public long RowsLoaded { get; set; }

    public long RowsRejected { get; set; }

    /// <summary><c>schema.table</c> of the load's last table with rows (else its last table); null for a load of no table.</summary>
    public string? LastTable { get; set; }

    /// <summary>The latest <c>_sdc_received_at</c> of the load.</summary>
    public DateTime MaxReceivedAt { get; set; }
}
