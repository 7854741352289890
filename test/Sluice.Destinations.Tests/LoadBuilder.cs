using Sluice.Core.Loading;
using Sluice.Core.Tables;

namespace Sluice.Destinations.Tests;

/// <summary>Builds LoadRequests by hand the way the planner would: system columns first, then data columns.</summary>
public sealed class LoadBuilder
{
    public static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    public static readonly ColumnSpec[] SystemColumns =
    [
        new("_sdc_received_at", ColumnType.Timestamp),
        new("_sdc_batched_at", ColumnType.Timestamp),
        new("_sdc_sequence", ColumnType.BigInt),
        new("_sdc_table_version", ColumnType.BigInt),
    ];

    private readonly string _schema;
    private readonly long _sourceId;
    private readonly List<SchemaChange> _changes = [];
    private readonly List<TableWrite> _writes = [];
    private readonly List<RejectedRecord> _rejections = [];

    public LoadBuilder(string schema, long sourceId = 1)
    {
        _schema = schema;
        _sourceId = sourceId;
    }

    public DateTime BatchedAt { get; init; } = T0.AddMinutes(1);

    public static ColumnSpec[] WithSystem(params ColumnSpec[] data) => [.. SystemColumns, .. data];

    /// <summary>System values for a row with <paramref name="sequence"/>, followed by <paramref name="data"/>.</summary>
    public static object?[] Row(long sequence, params object?[] data) =>
        [T0.AddSeconds(sequence), T0.AddMinutes(1), sequence, 0L, .. data];

    public LoadBuilder Create(string table, IReadOnlyList<ColumnSpec> columns, params string[] primaryKey)
    {
        _changes.Add(new CreateTable(table, columns, primaryKey));
        return this;
    }

    public LoadBuilder Add(string table, string column, ColumnType type)
    {
        _changes.Add(new AddColumn(table, new ColumnSpec(column, type)));
        return this;
    }

    public LoadBuilder Rename(string table, string from, string to)
    {
        _changes.Add(new RenameColumn(table, from, to));
        return this;
    }

    public LoadBuilder Append(string table, IReadOnlyList<ColumnSpec> columns, params object?[][] rows)
    {
        _writes.Add(new TableWrite(table, table, table, WriteMode.Append, [], [], columns, rows));
        return this;
    }

    public LoadBuilder Upsert(string table, IReadOnlyList<string> keys, IReadOnlyList<ColumnSpec> columns, params object?[][] rows)
    {
        _writes.Add(new TableWrite(table, table, table, WriteMode.Upsert, keys, [], columns, rows));
        return this;
    }

    /// <summary>A subtable write of an upsert root; <paramref name="parentKeys"/> pairs <c>_sdc_source_key_x</c> with <c>x</c>.</summary>
    public LoadBuilder UpsertSubtable(string table, string root, IReadOnlyList<string> keys, IReadOnlyList<KeyValuePair<string, string>> parentKeys, IReadOnlyList<ColumnSpec> columns, params object?[][] rows)
    {
        _writes.Add(new TableWrite(table, table[(root.Length + 2)..], root, WriteMode.Upsert, keys, parentKeys, columns, rows));
        return this;
    }

    public LoadBuilder Write(TableWrite write)
    {
        _writes.Add(write);
        return this;
    }

    public LoadBuilder Reject(string table, string reason, string record)
    {
        _rejections.Add(new RejectedRecord(T0.AddMinutes(1), table, reason, record));
        return this;
    }

    public LoadRequest Build(long? checkpoint = null)
    {
        var sequences = _writes.SelectMany(w => w.Rows.Select(r => Sequence(w, r))).OfType<long>().ToList();
        var min = sequences.Count > 0 ? sequences.Min() : checkpoint ?? 0;
        var max = sequences.Count > 0 ? sequences.Max() : checkpoint ?? 0;
        var stats = _writes.Select(w =>
        {
            var seqs = w.Rows.Select(r => Sequence(w, r)).OfType<long>().ToList();
            return new TableLoadStats(
                w.Table, w.SourceTableName, w.RootTable, w.Rows.Count, _rejections.Count(r => r.TableName == w.Table),
                seqs.Count > 0 ? seqs.Min() : null, seqs.Count > 0 ? seqs.Max() : null, seqs.Count > 0 ? T0.AddSeconds(seqs.Max()) : null);
        }).ToList();
        var summary = new LoadSummary(Guid.NewGuid(), _sourceId, _schema, BatchedAt, min, max, T0.AddSeconds(max), stats);
        return new LoadRequest(_schema, _sourceId, _changes, _writes, _rejections, checkpoint ?? max, summary);
    }

    private static long? Sequence(TableWrite write, object?[] row)
    {
        for (var i = 0; i < write.Columns.Count; i++)
        {
            if (write.Columns[i].Name == "_sdc_sequence" && i < row.Length)
            {
                return row[i] as long?;
            }
        }

        return null;
    }
}
