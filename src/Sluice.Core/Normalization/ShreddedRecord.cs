using Sluice.Core.Buffering;
using Sluice.Core.Tables;

namespace Sluice.Core.Normalization;

/// <summary>
/// One scalar of a record, on its way to a column: the sanitized base name (before any split), its id in the row's table
/// (<see cref="TableColumns"/>) and the JSON type.
/// </summary>
internal readonly record struct FieldValue(string Column, int ColumnId, ColumnType Type, object Value);

/// <summary>A column dropped from a record because its name is too long; logged once per record, table and column.</summary>
internal readonly record struct DroppedColumn(string Table, string Column);

/// <summary>One future row of one table, produced from one record: the root row or one array element.</summary>
internal sealed class RowDraft(ShreddedRecord record, string table, string sourceTableName, string? parentTable, int[] levelIds, int capacity)
{
    public ShreddedRecord Record { get; } = record;

    public string Table { get; } = table;

    /// <summary>The array key the table comes from (<c>items</c> for <c>data__items</c>); the root's own name for the root.</summary>
    public string SourceTableName { get; } = sourceTableName;

    public string? ParentTable { get; } = parentTable;

    /// <summary>The element's index at each nesting level: <c>_sdc_level_0_id</c>, <c>_sdc_level_1_id</c>, ...</summary>
    public int[] LevelIds { get; } = levelIds;

    public int Depth => LevelIds.Length;

    public List<FieldValue> Fields { get; } = new(capacity);

    /// <summary>The row's claim on names in its table (<see cref="TableColumns"/>): unique per row of a plan, never 0.</summary>
    public int Stamp { get; init; }
}

/// <summary>A record that passed the record-level rules, as rows per table.</summary>
internal sealed class ShreddedRecord(BufferedRecord source)
{
    public BufferedRecord Source { get; } = source;

    public List<RowDraft> Rows { get; } = [];

    /// <summary>Columns dropped for their too-long names; null when none (the usual case).</summary>
    public List<DroppedColumn>? DroppedColumns { get; set; }

    /// <summary>The root key value: the configured key's value (upsert) or the generated <c>__sdc_primary_key</c> (append).</summary>
    public object? Key { get; set; }

    public ColumnType KeyType { get; set; }

    public DateTime ReceivedAtUtc => Source.ReceivedAt.UtcDateTime;

    /// <summary>Boxed once per record: every row of the record shares them.</summary>
    public object BoxedReceivedAt => _boxedReceivedAt ??= ReceivedAtUtc;

    public object BoxedSequence => _boxedSequence ??= Source.Sequence;

    private object? _boxedReceivedAt;
    private object? _boxedSequence;
}
