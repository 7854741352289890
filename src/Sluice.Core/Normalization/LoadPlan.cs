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

    /// <summary>The <c>_sluice_columns</c> rows of the columns this plan creates (and of paths it puts into <c>_sdc_overflow</c>).</summary>
    public IReadOnlyList<ColumnMapping> Mappings { get; init; } = [];

    /// <summary>
    /// The source's tables as the destination will list them once this plan is committed: <paramref name="existing"/> (as
    /// <see cref="IDestination.GetTablesAsync"/> gave them) with <see cref="SchemaChanges"/> applied, ordered by name. Lets
    /// the next batch be planned while this one commits.
    /// </summary>
    public IReadOnlyList<TableSchema> TablesAfter(IReadOnlyList<TableSchema> existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        if (SchemaChanges.Count == 0 && Mappings.Count == 0)
        {
            return existing;
        }

        var tables = existing.ToDictionary(
            t => t.Name,
            t => (Columns: t.Columns.ToList(), Key: t.PrimaryKey, Mappings: t.Mappings.ToList()),
            StringComparer.Ordinal);
        foreach (var change in SchemaChanges)
        {
            switch (change)
            {
                case CreateTable create:
                    tables[create.Table] = (create.Columns.ToList(), create.PrimaryKey, []);
                    break;
                case AddColumn add:
                    tables[add.Table].Columns.Add(add.Column);
                    break;
                case RenameColumn rename:
                    var (columns, _, mappings) = tables[rename.Table];
                    var index = columns.FindIndex(c => c.Name == rename.From);
                    columns[index] = columns[index] with { Name = rename.To };
                    for (var i = 0; i < mappings.Count; i++)
                    {
                        if (mappings[i].Column == rename.From)
                        {
                            mappings[i] = mappings[i] with { Column = rename.To };
                        }
                    }

                    break;
                default:
                    throw new InvalidOperationException($"Unknown schema change {change.GetType().Name}.");
            }
        }

        foreach (var mapping in Mappings)
        {
            tables[mapping.Table].Mappings.Add(mapping);
        }

        return tables.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new TableSchema(t.Key, t.Value.Columns, t.Value.Key) { Mappings = t.Value.Mappings })
            .ToList();
    }

    public LoadRequest ToLoadRequest() =>
        new(Summary.Schema, Summary.SourceId, SchemaChanges, Writes, Rejections, CheckpointSequence, Summary) { Mappings = Mappings };
}
