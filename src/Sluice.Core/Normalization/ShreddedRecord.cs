using Sluice.Core.Buffering;
using Sluice.Core.Tables;

namespace Sluice.Core.Normalization;

/// <summary>One scalar of a record, on its way to a column: the sanitized base name (before any split) and the JSON type.</summary>
internal readonly record struct FieldValue(string Column, ColumnType Type, object Value);

/// <summary>A column dropped from a record because its name is too long; logged once per record, table and column.</summary>
internal readonly record struct DroppedColumn(string Table, string Column);

/// <summary>One future row of one table, produced from one record: the root row or one array element.</summary>
internal sealed class RowDraft(ShreddedRecord record, string table, string sourceTableName, string? parentTable, int[] levelIds)
{
    private const string ArrayMarker = "[]";
    private readonly List<string> _claimed = [];
    private HashSet<string>? _claimedSet;

    public ShreddedRecord Record { get; } = record;

    public string Table { get; } = table;

    /// <summary>The array key the table comes from (<c>items</c> for <c>data__items</c>); the root's own name for the root.</summary>
    public string SourceTableName { get; } = sourceTableName;

    public string? ParentTable { get; } = parentTable;

    /// <summary>The element's index at each nesting level: <c>_sdc_level_0_id</c>, <c>_sdc_level_1_id</c>, ...</summary>
    public int[] LevelIds { get; } = levelIds;

    public int Depth => LevelIds.Length;

    public List<FieldValue> Fields { get; } = [];

    /// <summary>Claims a column name for this row; false, with the name as first claimed, when another field of the row maps to it.</summary>
    public bool TryClaimColumn(string column, out string claimed) => TryClaim(column, column, out claimed);

    /// <summary>Claims a subtable name for this row; false, with the name as first claimed, when another array of the row maps to it.</summary>
    public bool TryClaimArray(string key, out string claimed) => TryClaim(ArrayMarker + key, key, out claimed);

    // Rows usually have few fields: a list scan is cheaper than a set until they do not.
    private bool TryClaim(string name, string display, out string claimed)
    {
        claimed = display;
        if (_claimedSet is not null)
        {
            if (_claimedSet.TryGetValue(name, out var existing))
            {
                claimed = existing.StartsWith(ArrayMarker, StringComparison.Ordinal) ? existing[ArrayMarker.Length..] : existing;
                return false;
            }

            _claimedSet.Add(name);
            return true;
        }

        foreach (var earlier in _claimed)
        {
            if (ColumnNamer.Comparer.Equals(earlier, name))
            {
                claimed = earlier.StartsWith(ArrayMarker, StringComparison.Ordinal) ? earlier[ArrayMarker.Length..] : earlier;
                return false;
            }
        }

        _claimed.Add(name);
        if (_claimed.Count > 16)
        {
            _claimedSet = new HashSet<string>(_claimed, ColumnNamer.Comparer);
        }

        return true;
    }
}

/// <summary>A record that passed the record-level rules, as rows per table.</summary>
internal sealed class ShreddedRecord(BufferedRecord source)
{
    public BufferedRecord Source { get; } = source;

    public List<RowDraft> Rows { get; } = [];

    public List<DroppedColumn> DroppedColumns { get; } = [];

    /// <summary>The root key value: the configured key's value (upsert) or the generated <c>__sdc_primary_key</c> (append).</summary>
    public object? Key { get; set; }

    public ColumnType KeyType { get; set; }

    public DateTime ReceivedAtUtc => Source.ReceivedAt.UtcDateTime;
}
