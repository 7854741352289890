using System.Text.Json;
using Sluice.Core.Buffering;
using Sluice.Core.Tables;

namespace Sluice.Core.Normalization;

/// <summary>
/// Turns one record's JSON into rows per table, applying the record-level rules: naming, collisions, key presence and
/// value ranges. Objects flatten into <c>parent__child</c> columns; every array element becomes a row of the subtable
/// <c>&lt;table&gt;__&lt;key&gt;</c>; a scalar element fills <c>value</c>, and an array element becomes a row whose
/// <c>value</c> is itself an array (subtable <c>&lt;table&gt;__value</c>).
/// </summary>
internal sealed class RecordShredder
{
    /// <summary>The root table of a webhook source (BEHAVIOUR.md §1.9).</summary>
    public const string RootTable = "data";

    /// <summary>The generated key column of append-only sources.</summary>
    public const string GeneratedKeyColumn = "__sdc_primary_key";

    private const string ScalarColumn = "value";
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 256 };

    private readonly string? _primaryKey;
    private readonly Dictionary<string, SanitizedName> _names = new(StringComparer.Ordinal);
    private readonly Stack<NameClaims> _claimsPool = new();
    private int _rootCapacity = 8;
    private string? _rejectTable;
    private string? _rejectReason;

    public RecordShredder(string? primaryKey)
    {
        _primaryKey = primaryKey;
    }

    /// <summary>Shreds <paramref name="source"/>; on rejection returns false with the table and reason for <c>_sdc_rejected</c>.</summary>
    public bool TryShred(BufferedRecord source, out ShreddedRecord record, out string rejectTable, out string reason)
    {
        record = new ShreddedRecord(source);
        _rejectTable = null;
        _rejectReason = null;
        var ok = false;
        try
        {
            using var document = JsonDocument.Parse(source.Json, ParseOptions);
            ok = Shred(document.RootElement, record);
        }
        catch (JsonException ex)
        {
            Reject(RootTable, RejectionReasons.MalformedRecord(ex.Message));
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json refuses to decode lone UTF-16 surrogates (e.g. "\ud800"); no database can store them as text.
            Reject(RootTable, RejectionReasons.InvalidUnicode(ex.Message));
        }

        rejectTable = _rejectTable ?? RootTable;
        reason = _rejectReason ?? string.Empty;
        return ok;
    }

    private bool Shred(JsonElement root, ShreddedRecord record)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Reject(RootTable, RejectionReasons.NotAnObject);
        }

        if (_primaryKey is not null && !ReadKey(root, record))
        {
            return false;
        }

        var row = new RowDraft(record, RootTable, RootTable, parentTable: null, levelIds: [], _rootCapacity);
        record.Rows.Add(row);
        Rent(row);
        if (_primaryKey is null)
        {
            // A client field named like the generated key would collide with it.
            row.Claims!.TryClaimColumn(GeneratedKeyColumn, out _);
        }

        var ok = WalkObject(root, row, prefix: null);
        Return(row);
        _rootCapacity = Math.Max(row.Fields.Count, 1);
        return ok;
    }

    private void Rent(RowDraft row) => row.Claims = _claimsPool.TryPop(out var claims) ? claims : new NameClaims();

    private void Return(RowDraft row)
    {
        row.Claims!.Clear();
        _claimsPool.Push(row.Claims);
        row.Claims = null;
    }

    private bool ReadKey(JsonElement root, ShreddedRecord record)
    {
        var key = _primaryKey!;
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return Reject(RootTable, RejectionReasons.PrimaryKeyMissing(key));
        }

        if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            return Reject(RootTable, RejectionReasons.PrimaryKeyNotScalar(key));
        }

        if (!TryConvert(value, RootTable, key, out var converted, out var type))
        {
            return false;
        }

        record.Key = converted;
        record.KeyType = type;
        return true;
    }

    private bool WalkObject(JsonElement obj, RowDraft row, string? prefix)
    {
        foreach (var property in obj.EnumerateObject())
        {
            var path = prefix is null ? property.Name : prefix + "__" + property.Name;
            var value = property.Value;
            var ok = value.ValueKind switch
            {
                JsonValueKind.Null => true,
                JsonValueKind.Object => WalkObject(value, row, path),
                JsonValueKind.Array => WalkArray(value, row, path),
                _ => AddField(row, path, value),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private bool WalkArray(JsonElement array, RowDraft parent, string path)
    {
        if (array.GetArrayLength() == 0)
        {
            return true;
        }

        var name = Name(path);
        if (!CheckName(parent.Table, path, name) || !Claim(parent, name.Value, array: true))
        {
            return false;
        }

        var table = parent.Table + "__" + name.Value;
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var levels = new int[parent.LevelIds.Length + 1];
            parent.LevelIds.CopyTo(levels, 0);
            levels[^1] = index++;
            var row = new RowDraft(parent.Record, table, name.Value, parent.Table, levels, capacity: 4);
            parent.Record.Rows.Add(row);
            Rent(row);
            var ok = element.ValueKind switch
            {
                JsonValueKind.Null => true,
                JsonValueKind.Object => WalkObject(element, row, prefix: null),
                JsonValueKind.Array => WalkArray(element, row, ScalarColumn),
                _ => AddField(row, ScalarColumn, element),
            };
            Return(row);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private bool AddField(RowDraft row, string path, JsonElement value)
    {
        var name = Name(path);
        if (!CheckName(row.Table, path, name) || !Claim(row, name.Value, array: false))
        {
            return false;
        }

        if (name.TooLong)
        {
            // Documented PostgreSQL behaviour: the column is dropped, the rest of the record still loads.
            (row.Record.DroppedColumns ??= []).Add(new DroppedColumn(row.Table, name.Value));
            return true;
        }

        if (!TryConvert(value, row.Table, name.Value, out var converted, out var type))
        {
            return false;
        }

        row.Fields.Add(new FieldValue(name.Value, type, converted));
        return true;
    }

    private bool TryConvert(JsonElement value, string table, string column, out object converted, out ColumnType type)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                converted = text;
                type = ColumnType.Text;
                return !text.Contains('\0', StringComparison.Ordinal) || Reject(table, RejectionReasons.NulCharacter(column));
            case JsonValueKind.True:
            case JsonValueKind.False:
                converted = Boxes.Boolean(value.ValueKind == JsonValueKind.True);
                type = ColumnType.Boolean;
                return true;
            case JsonValueKind.Number when value.TryGetInt64(out var integer):
                converted = Boxes.Int64(integer);
                type = ColumnType.BigInt;
                return true;
            case JsonValueKind.Number when value.TryGetDouble(out var number) && double.IsFinite(number):
                // Fractions, exponents and integers beyond int64 are doubles: JSON says nothing narrower.
                converted = number;
                type = ColumnType.Double;
                return true;
            default:
                converted = 0L;
                type = ColumnType.BigInt;
                return Reject(table, RejectionReasons.DecimalOutOfRange(column));
        }
    }

    private bool CheckName(string table, string path, SanitizedName name)
    {
        if (name.Value.Length == 0)
        {
            return Reject(table, RejectionReasons.EmptyName(path));
        }

        return !name.Reserved || Reject(table, RejectionReasons.ReservedName(name.Value));
    }

    private bool Claim(RowDraft row, string name, bool array)
    {
        // The reason names the column as the earlier field spelled it: {"id":1,"ID":"Paul"} -> Field collision on id.
        string earlier;
        var claimed = array ? row.Claims!.TryClaimArray(name, out earlier) : row.Claims!.TryClaimColumn(name, out earlier);
        return claimed || Reject(row.Table, RejectionReasons.FieldCollision(earlier));
    }

    private bool Reject(string table, string reason)
    {
        if (_rejectReason is null)
        {
            _rejectTable = table;
            _rejectReason = reason;
        }

        return false;
    }

    private SanitizedName Name(string path)
    {
        if (!_names.TryGetValue(path, out var name))
        {
            var value = ColumnNamer.Sanitize(path);
            name = new SanitizedName(value, ColumnNamer.IsReserved(value), ColumnNamer.IsTooLongForColumn(value));
            _names[path] = name;
        }

        return name;
    }

    private readonly record struct SanitizedName(string Value, bool Reserved, bool TooLong);
}
