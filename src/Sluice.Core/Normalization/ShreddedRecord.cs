using Sluice.Core.Buffering;
using Sluice.Core.Tables;

namespace Sluice.Core.Normalization;

/// <summary>One scalar of a record, on its way to a column: the sanitized base name (before any split) and the JSON type.</summary>
internal readonly record struct FieldValue(string Column, ColumnType Type, object Value);

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

    /// <summary>The names this row's fields and arrays took, only while the shredder walks the row.</summary>
    public NameClaims? Claims { get; set; }
}

/// <summary>The column and subtable names one row has taken, to detect two fields mapping to one name; reused across rows.</summary>
internal sealed class NameClaims
{
    private const string ArrayMarker = "[]";
    private readonly List<string> _claimed = [];
    private readonly HashSet<string> _claimedSet = new(ColumnNamer.Comparer);

    public void Clear()
    {
        _claimed.Clear();
        _claimedSet.Clear();
    }

    /// <summary>Claims a column name; false, with the name as first claimed, when another field of the row maps to it.</summary>
    public bool TryClaimColumn(string column, out string claimed) => TryClaim(column, column, out claimed);

    /// <summary>Claims a subtable name; false, with the name as first claimed, when another array of the row maps to it.</summary>
    public bool TryClaimArray(string key, out string claimed) => TryClaim(ArrayMarker + key, key, out claimed);

    // Rows usually have few fields: a list scan is cheaper than a set until they do not.
    private bool TryClaim(string name, string display, out string claimed)
    {
        claimed = display;
        if (_claimedSet.Count > 0)
        {
            if (_claimedSet.TryGetValue(name, out var existing))
            {
                claimed = Display(existing);
                return false;
            }

            _claimedSet.Add(name);
            return true;
        }

        foreach (var earlier in _claimed)
        {
            if (ColumnNamer.Comparer.Equals(earlier, name))
            {
                claimed = Display(earlier);
                return false;
            }
        }

        _claimed.Add(name);
        if (_claimed.Count > 16)
        {
            _claimedSet.UnionWith(_claimed);
        }

        return true;
    }

    private static string Display(string claimed) =>
        claimed.StartsWith(ArrayMarker, StringComparison.Ordinal) ? claimed[ArrayMarker.Length..] : claimed;
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
