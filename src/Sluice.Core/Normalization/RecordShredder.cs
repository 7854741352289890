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
    private readonly DraftPool _drafts;
    private readonly Dictionary<string, TableColumns> _tables = new(ColumnNamer.Comparer);
    private readonly Scope _root;
    private readonly int _generatedKeyId;
    private int _lastStamp;
    private DateTimeOffset _lastReceivedAt;
    private object? _boxedReceivedAt;
    private string? _rejectTable;
    private string? _rejectReason;

    /// <param name="drafts">Where the rows' drafts come from; they stay valid until the pool is recycled.</param>
    public RecordShredder(string? primaryKey, DraftPool drafts)
    {
        _primaryKey = primaryKey;
        _drafts = drafts;
        var data = Columns(RootTable);
        _root = new Scope(data, RootTable, prefix: null);
        _generatedKeyId = data.ColumnId(GeneratedKeyColumn);
    }

    /// <summary>Shreds <paramref name="source"/>; on rejection returns false with the table and reason for <c>_sdc_rejected</c>.</summary>
    public bool TryShred(BufferedRecord source, out ShreddedRecord record, out string rejectTable, out string reason)
    {
        if (_boxedReceivedAt is null || source.ReceivedAt != _lastReceivedAt)
        {
            _lastReceivedAt = source.ReceivedAt;
            _boxedReceivedAt = source.ReceivedAt.UtcDateTime;
        }

        record = _drafts.NextRecord().Reset(source, _boxedReceivedAt);
        _rejectTable = null;
        _rejectReason = null;
        var ok = false;
        try
        {
            // The buffer's UTF-8 is parsed as it is; text (tests, callers without bytes) is transcoded by the parser.
            using var document = source.HasUtf8Json
                ? JsonDocument.Parse(source.Utf8Json, ParseOptions)
                : JsonDocument.Parse(source.Json, ParseOptions);
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

    private TableColumns Columns(string table)
    {
        if (!_tables.TryGetValue(table, out var columns))
        {
            columns = new TableColumns();
            _tables.Add(table, columns);
        }

        return columns;
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

        var row = _drafts.Next().AsRoot(record, RootTable, ++_lastStamp);
        record.Rows.Add(row);
        if (_primaryKey is null)
        {
            // A client field named like the generated key would collide with it.
            _root.Table.TryClaimColumn(_generatedKeyId, row.Stamp, GeneratedKeyColumn, out _);
        }

        return WalkObject(root, row, _root);
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

    private bool WalkObject(JsonElement obj, RowDraft row, Scope scope)
    {
        var hint = 0;
        foreach (var property in obj.EnumerateObject())
        {
            var value = property.Value;
            var kind = value.ValueKind;
            if (kind == JsonValueKind.Null)
            {
                continue;
            }

            var entry = scope.Find(property, ref hint);
            var ok = kind switch
            {
                JsonValueKind.Object => WalkObject(value, row, entry.ObjectScope ??= new Scope(scope.Table, scope.TableName, entry.Path)),
                JsonValueKind.Array => WalkArray(value, row, scope, entry),
                _ => AddField(row, scope, entry, value),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private bool WalkArray(JsonElement array, RowDraft parent, Scope scope, Entry entry)
    {
        if (array.GetArrayLength() == 0)
        {
            return true;
        }

        var name = entry.Name;
        if (!CheckName(parent.Table, entry) || !Claim(scope.Table.TryClaimArray(entry.ArrayId, parent.Stamp, name.Value, out var earlier), parent.Table, earlier))
        {
            return false;
        }

        var elements = entry.ElementScope ??= ElementScope(parent.Table + "__" + name.Value);
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var row = _drafts.Next().AsElement(parent, elements.TableName, name.Value, index++, ++_lastStamp);
            parent.Record.Rows.Add(row);
            var ok = element.ValueKind switch
            {
                JsonValueKind.Null => true,
                JsonValueKind.Object => WalkObject(element, row, elements),
                JsonValueKind.Array => WalkArray(element, row, elements, elements.ValueEntry),
                _ => AddField(row, elements, elements.ValueEntry, element),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private Scope ElementScope(string table)
    {
        var scope = new Scope(Columns(table), table, prefix: null);
        scope.ValueEntry = scope.NewEntry(ScalarColumn, System.Text.Encoding.UTF8.GetBytes(ScalarColumn));
        return scope;
    }

    private bool AddField(RowDraft row, Scope scope, Entry entry, JsonElement value)
    {
        var name = entry.Name;
        if (!CheckName(row.Table, entry) || !Claim(scope.Table.TryClaimColumn(entry.ColumnId, row.Stamp, name.Value, out var earlier), row.Table, earlier))
        {
            return false;
        }

        if (name.TooLong)
        {
            // Documented PostgreSQL behaviour: the column is dropped, the rest of the record still loads.
            (row.Record.DroppedColumns ??= []).Add(new DroppedColumn(row.Table, name.Value));
            return true;
        }

        if (!TryConvert(value, row.Table, name.Value, out var converted, out var type, entry.Strings ??= new RecentStrings()))
        {
            return false;
        }

        row.Fields.Add(new FieldValue(name.Value, entry.ColumnId, type, converted));
        return true;
    }

    private bool TryConvert(JsonElement value, string table, string column, out object converted, out ColumnType type, RecentStrings? recent = null)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = recent is null ? value.GetString()! : recent.Get(value);
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

    private bool CheckName(string table, Entry entry)
    {
        if (entry.Name.Value.Length == 0)
        {
            return Reject(table, RejectionReasons.EmptyName(entry.Path));
        }

        return !entry.Name.Reserved || Reject(table, RejectionReasons.ReservedName(entry.Name.Value));
    }

    // The reason names the column as the earlier field spelled it: {"id":1,"ID":"Paul"} -> Field collision on id.
    private bool Claim(bool claimed, string table, string earlier) =>
        claimed || Reject(table, RejectionReasons.FieldCollision(earlier));

    private bool Reject(string table, string reason)
    {
        if (_rejectReason is null)
        {
            _rejectTable = table;
            _rejectReason = reason;
        }

        return false;
    }

    private readonly record struct SanitizedName(string Value, bool Reserved, bool TooLong);

    /// <summary>
    /// The fields met so far at one place of the records (a table, and the object path inside its row), by their raw UTF-8
    /// names: looking a field up compares bytes, usually only with the entry that came at that position last time, so the
    /// names of a batch's fields are decoded, joined and sanitized once per batch instead of once per record.
    /// </summary>
    private sealed class Scope(TableColumns table, string tableName, string? prefix)
    {
        private readonly List<Entry> _entries = [];

        public TableColumns Table { get; } = table;

        public string TableName { get; } = tableName;

        /// <summary>An array element's <c>value</c> field (scalar elements, and arrays in arrays); element scopes only.</summary>
        public Entry ValueEntry { get; set; } = null!;

        public Entry Find(JsonProperty property, ref int hint)
        {
            if (hint < _entries.Count && property.NameEquals(_entries[hint].Utf8Name))
            {
                return _entries[hint++];
            }

            for (var i = 0; i < _entries.Count; i++)
            {
                if (property.NameEquals(_entries[i].Utf8Name))
                {
                    hint = i + 1;
                    return _entries[i];
                }
            }

            var name = property.Name;
            var entry = NewEntry(prefix is null ? name : prefix + "__" + name, System.Text.Encoding.UTF8.GetBytes(name));
            hint = _entries.Count;
            return entry;
        }

        public Entry NewEntry(string path, byte[] utf8Name)
        {
            var value = ColumnNamer.Sanitize(path);
            var name = new SanitizedName(value, ColumnNamer.IsReserved(value), ColumnNamer.IsTooLongForColumn(value));
            var entry = new Entry(utf8Name, path, name, Table.ColumnId(value), Table.ArrayId(value));
            _entries.Add(entry);
            return entry;
        }
    }

    /// <summary>One field name of a <see cref="Scope"/>: its raw path, its sanitized name and ids, and the scopes below it.</summary>
    private sealed class Entry(byte[] utf8Name, string path, SanitizedName name, int columnId, int arrayId)
    {
        public byte[] Utf8Name { get; } = utf8Name;

        public string Path { get; } = path;

        public SanitizedName Name { get; } = name;

        public int ColumnId { get; } = columnId;

        public int ArrayId { get; } = arrayId;

        /// <summary>The fields of this field's object values: same table, path prefix <see cref="Path"/>.</summary>
        public Scope? ObjectScope { get; set; }

        /// <summary>The fields of this field's array elements: the subtable's rows.</summary>
        public Scope? ElementScope { get; set; }

        /// <summary>The field's recent text values, so repeated ones (statuses, countries, tags) share one string.</summary>
        public RecentStrings? Strings { get; set; }
    }

    /// <summary>
    /// The last few short text values of one field, with their UTF-8: a value equal to one of them is given the same string
    /// instead of a new one. A batch's values all live until it commits, so every string saved is one the garbage collector
    /// does not copy. A field whose values rarely repeat (ids, emails) stops being looked up after a while.
    /// </summary>
    private sealed class RecentStrings
    {
        private const int Slots = 8;
        private const int MaxChars = 64;
        private const int Trial = 512;

        private readonly byte[][] _utf8 = new byte[Slots][];
        private readonly string[] _text = new string[Slots];
        private int _count;
        private int _next;
        private int _lookups;
        private int _hits;
        private bool _off;

        public string Get(JsonElement value)
        {
            if (_off)
            {
                return value.GetString()!;
            }

            _lookups++;
            for (var i = 0; i < _count; i++)
            {
                if (value.ValueEquals(_utf8[i]))
                {
                    _hits++;
                    return _text[i];
                }
            }

            var text = value.GetString()!;
            if (_lookups >= Trial && _hits * 8 < _lookups)
            {
                _off = true;
                return text;
            }

            if (text.Length <= MaxChars)
            {
                _utf8[_next] = System.Text.Encoding.UTF8.GetBytes(text);
                _text[_next] = text;
                _next = (_next + 1) % Slots;
                _count = Math.Min(_count + 1, Slots);
            }

            return text;
        }
    }
}
