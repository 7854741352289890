using Sluice.Core.Loading;
using Sluice.Core.Tables;

namespace Sluice.Core.Normalization;

/// <summary>
/// The result of normalizing one batch: what the destination must change and write, what was rejected and why, and the
/// load's summary. <see cref="ToLoadRequest"/> hands it to a destination.
/// </summary>
/// <param name="Summary">
/// The load id, batch time, sequence range (rejected records included) and latest receive time of the batch, and the stats of
/// every table that loaded or rejected rows: the root table first, then subtables in first-seen order.
/// </param>
public sealed record LoadPlan(
    LoadSummary Summary,
    IReadOnlyList<SchemaChange> SchemaChanges,
    IReadOnlyList<TableWrite> Writes,
    IReadOnlyList<RejectedRecord> Rejections)
{
    /// <summary>The buffer sequence this load covers up to: every record of the batch is either written, superseded or rejected.</summary>
    public long CheckpointSequence => Summary.MaxSequence;

    public IReadOnlyList<TableLoadStats> Tables => Summary.Tables;

    public TableLoadStats? FindStats(string table) => Tables.FirstOrDefault(t => t.Table == table);

    public TableWrite? FindWrite(string table) => Writes.FirstOrDefault(w => w.Table == table);

    public LoadRequest ToLoadRequest() =>
        new(Summary.Schema, Summary.SourceId, SchemaChanges, Writes, Rejections, CheckpointSequence, Summary);
}
