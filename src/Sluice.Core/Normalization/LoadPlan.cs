using Sluice.Core.Loading;
using Sluice.Core.Tables;

namespace Sluice.Core.Normalization;

/// <summary>
/// The result of normalizing one batch: what the destination must change and write, what was rejected and why,
/// and the per-table figures of the load. <see cref="ToLoadRequest"/> hands it to a destination.
/// </summary>
/// <param name="MinSequence">The lowest <c>_sdc_sequence</c> of the batch, rejected records included.</param>
/// <param name="MaxSequence">The highest <c>_sdc_sequence</c> of the batch, rejected records included; the new checkpoint.</param>
/// <param name="MaxReceivedAt">The latest <c>_sdc_received_at</c> of the batch.</param>
/// <param name="Tables">Stats per table that loaded or rejected rows: the root table first, then subtables in first-seen order.</param>
public sealed record LoadPlan(
    Guid LoadId,
    long SourceId,
    string Schema,
    DateTime BatchedAt,
    long MinSequence,
    long MaxSequence,
    DateTime MaxReceivedAt,
    IReadOnlyList<SchemaChange> SchemaChanges,
    IReadOnlyList<TableWrite> Writes,
    IReadOnlyList<RejectedRecord> Rejections,
    IReadOnlyList<TableLoadStats> Tables)
{
    /// <summary>The buffer sequence this load covers up to: every record of the batch is either written, superseded or rejected.</summary>
    public long CheckpointSequence => MaxSequence;

    public TableLoadStats? FindStats(string table) => Tables.FirstOrDefault(t => t.Table == table);

    public TableWrite? FindWrite(string table) => Writes.FirstOrDefault(w => w.Table == table);

    public LoadSummary ToSummary() =>
        new(LoadId, SourceId, Schema, BatchedAt, MinSequence, MaxSequence, MaxReceivedAt, Tables);

    public LoadRequest ToLoadRequest() =>
        new(Schema, SourceId, SchemaChanges, Writes, Rejections, CheckpointSequence, ToSummary());
}
