using System.Runtime.InteropServices;
using System.Text.Json;
using Sluice.Core.Buffering;
using Sluice.Core.Sources;
using Sluice.Core.Tables;

namespace Sluice.Core.Normalization;

/// <summary>
/// Turns one record's JSON into rows per table, applying the record-level rules: naming, collisions, key presence and
/// value ranges. Objects flatten into <c>parent__child</c> columns; every array element becomes a row of the subtable
/// <c>&lt;table&gt;__&lt;key&gt;</c>; a scalar element fills <c>value</c>, and an array element becomes a row whose
/// <c>value</c> is itself an array (subtable <c>&lt;table&gt;__value</c>).
/// </summary>
/// <remarks>
/// Sluice's rules where Stitch would drop or reject for a name (DESIGN.md): names are shortened, changed or made distinct
/// (<see cref="TableColumns"/>, <see cref="SchemaTables"/>), never a reason to reject. A source's <see cref="SourceLayout"/>
/// routes records to a root table per event type, adds captured headers as <c>_sdc_header_*</c> columns and keeps objects
/// and arrays deeper than <c>max_depth</c> as JSON (depth: a top-level field is 1, each object key below adds one; an
/// array's elements are as deep as the array).
/// </remarks>
internal sealed class RecordShredder
{
    /// <summary>The root table of a webhook source (BEHAVIOUR.md §1.9), and of records no route names a table for.</summary>
    public const string RootTable = "data";

    /// <summary>The generated key column of append-only sources.</summary>
    public const string GeneratedKeyColumn = "__sdc_primary_key";

    private const string ScalarColumn = "value";
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 256 };

    private readonly string? _primaryKey;
    private readonly IReadOnlyList<string> _keyFields;
    private readonly IReadOnlyList<string> _keyColumns;
    private readonly string? _keyHeader;
    private readonly TableRoute? _route;
    private readonly int _maxDepth;
    private readonly (string Header, string Column)[] _headers;
    private readonly DraftPool _drafts;
    private readonly SchemaTables _schema;
    private readonly Dictionary<string, Root> _roots = new(ColumnNamer.Comparer);
    private int _lastStamp;
    private DateTimeOffset _lastReceivedAt;
    private object? _boxedReceivedAt;
    private string? _rejectTable;
    private string? _rejectReason;
    private string _currentRoot = RootTable;

    /// <param name="primaryKey">The configured key field, or null (append-only).</param>
    /// <param name="keyColumns">The root key columns: the key's column name (each field's, for a composite key), or <see cref="GeneratedKeyColumn"/>.</param>
    /// <param name="layout">Routing, captured headers and depth limit.</param>
    /// <param name="existing">The schema's tables as the destination has them, with their mappings.</param>
    /// <param name="drafts">Where the rows' drafts come from; they stay valid until the pool is recycled.</param>
    public RecordShredder(string? primaryKey, IReadOnlyList<string> keyColumns, SourceLayout layout, IReadOnlyList<TableSchema> existing, DraftPool drafts)
    {
        _primaryKey = primaryKey;
        _keyFields = primaryKey is null ? [] : Sources.PrimaryKeyRule.Fields(primaryKey);
        _keyColumns = keyColumns;
        _drafts = drafts;
        _route = layout.TableFrom;
        _maxDepth = layout.MaxDepth ?? int.MaxValue;
        _headers = layout.CaptureHeaders.Select(h => (h.ToLowerInvariant(), SourceLayout.HeaderColumn(h))).ToArray();
        if (primaryKey is not null && primaryKey.StartsWith(SourceLayout.HeaderColumnPrefix, StringComparison.OrdinalIgnoreCase))
        {
            _keyHeader = _headers.FirstOrDefault(h => ColumnNamer.Comparer.Equals(h.Column, primaryKey)).Header;
        }

        _schema = new SchemaTables(existing);
        RootOf(RootTable, routeValue: null);
    }

    /// <summary>The tables met so far, with the JSON path of every column id.</summary>
    public SchemaTables Tables => _schema;

    /// <summary>Shreds <paramref name="source"/>; on rejection returns false with the table and reason for <c>_sdc_rejected</c>.</summary>
    /// <param name="rootTable">The root table the record was routed to (also on rejection: <c>data</c> when the route was not read).</param>
    public bool TryShred(BufferedRecord source, out ShreddedRecord record, out string rejectTable, out string reason, out string rootTable)
    {
        if (_boxedReceivedAt is null || source.ReceivedAt != _lastReceivedAt)
        {
            _lastReceivedAt = source.ReceivedAt;
            _boxedReceivedAt = source.ReceivedAt.UtcDateTime;
        }

        record = _drafts.NextRecord().Reset(source, _boxedReceivedAt);
        _rejectTable = null;
        _rejectReason = null;
        _currentRoot = RootTable;
        var ok = false;
        try
        {
            // The buffer's UTF-8 is parsed as it is; text (tests, callers without bytes) is transcoded by the parser.
            using var document = source.HasUtf8Json
                ? JsonDocument.Parse(source.Utf8Json, ParseOptions)
                : JsonDocument.Parse(source.Json, ParseOptions);
            ok = Shred(document.RootElement, source, record);
        }
        catch (JsonException ex)
        {
            Reject(_currentRoot, RejectionReasons.MalformedRecord(ex.Message));
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json refuses to decode lone UTF-16 surrogates (e.g. "\ud800"); no database can store them as text.
            Reject(_currentRoot, RejectionReasons.InvalidUnicode(ex.Message));
        }

        rootTable = _currentRoot;
        rejectTable = _rejectTable ?? _currentRoot;
        reason = _rejectReason ?? string.Empty;
        return ok;
    }

    private Root RootOf(string name, string? routeValue)
    {
        if (!_roots.TryGetValue(name, out var root))
        {
            var table = _schema.Root(name, routeValue);
            if (_primaryKey is null)
            {
                table.ReserveSystem(GeneratedKeyColumn);
            }
            else if (_keyHeader is null)
            {
                for (var k = 0; k < _keyFields.Count; k++)
                {
                    table.Reserve(_keyFields[k], _keyColumns[k]);
                }
            }

            var headerIds = _headers.Select(h => table.ColumnId(h.Column)).ToArray();
            root = new Root(table, new Scope(table, prefix: null, jsonPrefix: null), table.ColumnId(GeneratedKeyColumn), headerIds);
            _roots.Add(name, root);
        }

        return root;
    }

    private bool Shred(JsonElement element, BufferedRecord source, ShreddedRecord record)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return Reject(RootTable, RejectionReasons.NotAnObject);
        }

        var root = Route(element, source);
        _currentRoot = root.Table.Name;
        if (_primaryKey is not null && !ReadKey(element, source, record))
        {
            return false;
        }

        var row = _drafts.Next().AsRoot(record, root.Table.Name, ++_lastStamp);
        record.Rows.Add(row);
        if (_primaryKey is null)
        {
            // A client field named like the generated key gets a name of its own (TableColumns), so this claim holds.
            root.Table.TryClaimColumn(root.GeneratedKeyId, row.Stamp, GeneratedKeyColumn, out _);
        }

        if (_headers.Length > 0 && source.Headers is { } headers)
        {
            for (var i = 0; i < _headers.Length; i++)
            {
                if (headers.TryGetValue(_headers[i].Header, out var value))
                {
                    row.Fields.Add(new FieldValue(_headers[i].Column, root.HeaderIds[i], ColumnType.Text, value));
                }
            }
        }

        return WalkObject(element, row, root.Scope, depth: 0);
    }

    /// <summary>The root table of a record: by its <c>table_from</c> value, or <c>data</c> without one.</summary>
    private Root Route(JsonElement element, BufferedRecord source)
    {
        if (_route is null)
        {
            return _roots[RootTable];
        }

        string? value = null;
        if (_route.Kind == TableRouteKind.Table)
        {
            value = _route.Name;
        }
        else if (_route.Kind == TableRouteKind.Header)
        {
            value = source.Headers?.GetValueOrDefault(_route.HeaderKey);
        }
        else
        {
            var at = element;
            var found = true;
            foreach (var key in _route.FieldPath)
            {
                if (at.ValueKind != JsonValueKind.Object || !at.TryGetProperty(key, out at))
                {
                    found = false;
                    break;
                }
            }

            value = !found ? null : at.ValueKind switch
            {
                JsonValueKind.String => at.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => at.GetRawText(),
                _ => null,
            };
        }

        var name = value is null ? null : ColumnNamer.RoutedTableName(value);
        return name is null ? _roots[RootTable] : RootOf(name, value);
    }

    private bool ReadKey(JsonElement root, BufferedRecord source, ShreddedRecord record)
    {
        var key = _primaryKey!;
        if (_keyHeader is not null)
        {
            if (source.Headers?.GetValueOrDefault(_keyHeader) is not { Length: > 0 } header)
            {
                return Reject(_currentRoot, RejectionReasons.PrimaryKeyHeaderMissing(key, _keyHeader));
            }

            record.Key = header;
            record.KeyType = ColumnType.Text;
            return true;
        }

        if (_keyFields.Count == 1)
        {
            if (!ReadKeyField(root, key, out var converted, out var type))
            {
                return false;
            }

            record.Key = converted;
            record.KeyType = type;
            return true;
        }

        var values = new object?[_keyFields.Count];
        var types = new ColumnType[_keyFields.Count];
        for (var k = 0; k < _keyFields.Count; k++)
        {
            if (!ReadKeyField(root, _keyFields[k], out values[k], out types[k]))
            {
                return false;
            }
        }

        record.Key = new CompositeKey(values);
        record.Keys = values;
        record.KeyTypes = types;
        return true;
    }

    private bool ReadKeyField(JsonElement root, string key, out object? converted, out ColumnType type)
    {
        converted = null;
        type = default;
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return Reject(_currentRoot, RejectionReasons.PrimaryKeyMissing(key));
        }

        if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            return Reject(_currentRoot, RejectionReasons.PrimaryKeyNotScalar(key));
        }

        return TryConvert(value, _currentRoot, key, out converted, out type);
    }

    /// <param name="depth">The object's own depth: 0 for the record, 1 for a top-level field's object.</param>
    private bool WalkObject(JsonElement obj, RowDraft row, Scope scope, int depth)
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
            var nested = kind is JsonValueKind.Object or JsonValueKind.Array;
            var ok = nested && depth >= _maxDepth ? AddField(row, scope, entry, value)
                : kind switch
                {
                    JsonValueKind.Object => WalkObject(value, row, entry.ObjectScope ??= new Scope(scope.Table, entry.JoinedKeys, entry.Path), depth + 1),
                    JsonValueKind.Array => WalkArray(value, row, scope, entry, depth + 1),
                    _ => AddField(row, scope, entry, value),
                };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <param name="depth">The array's depth; its elements' fields are one deeper.</param>
    private bool WalkArray(JsonElement array, RowDraft parent, Scope scope, Entry entry, int depth)
    {
        if (array.GetArrayLength() == 0)
        {
            return true;
        }

        var elements = entry.ElementScope ??= ElementScope(scope.Table, entry);
        if (entry.ArrayId < 0)
        {
            entry.ArrayId = scope.Table.ArrayId(elements.Table.Name);
        }

        if (!scope.Table.TryClaimArray(entry.ArrayId, parent.Stamp, entry.Path, out _))
        {
            return Reject(parent.Table, RejectionReasons.DuplicateKey(entry.Path));
        }

        var tableName = elements.Table.Name;
        var sourceName = elements.SourceName;
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var row = _drafts.Next().AsElement(parent, tableName, sourceName, index++, ++_lastStamp);
            parent.Record.Rows.Add(row);
            var ok = element.ValueKind switch
            {
                JsonValueKind.Null => true,
                JsonValueKind.Object => WalkObject(element, row, elements, depth),
                JsonValueKind.Array when depth >= _maxDepth => AddField(row, elements, elements.ValueEntry, element),
                JsonValueKind.Array => WalkArray(element, row, elements, elements.ValueEntry, depth + 1),
                _ => AddField(row, elements, elements.ValueEntry, element),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private Scope ElementScope(TableColumns parent, Entry entry)
    {
        var table = _schema.Subtable(parent, entry.Path, entry.JoinedKeys);
        var elementPath = entry.Path + "[]";
        var scope = new Scope(table, prefix: null, jsonPrefix: elementPath)
        {
            SourceName = ColumnNamer.ClientName(entry.JoinedKeys),
        };
        table.Reserve(elementPath, ScalarColumn);
        scope.ValueEntry = scope.NewEntry(elementPath, ScalarColumn, System.Text.Encoding.UTF8.GetBytes(ScalarColumn));
        return scope;
    }

    private bool AddField(RowDraft row, Scope scope, Entry entry, JsonElement value)
    {
        if (entry.ColumnId < 0)
        {
            entry.Column = scope.Table.BaseFor(entry.Path, entry.JoinedKeys);
            entry.ColumnId = scope.Table.ColumnId(entry.Column, entry.Path);
        }

        if (!scope.Table.TryClaimColumn(entry.ColumnId, row.Stamp, entry.Path, out _))
        {
            return Reject(row.Table, RejectionReasons.DuplicateKey(entry.Path));
        }

        if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            row.Fields.Add(new FieldValue(entry.Column!, entry.ColumnId, ColumnType.Json, value.GetRawText()));
            return true;
        }

        if (!TryConvert(value, row.Table, entry.Column!, out var converted, out var type, entry.Strings ??= new RecentStrings()))
        {
            return false;
        }

        row.Fields.Add(new FieldValue(entry.Column!, entry.ColumnId, type, converted));
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

    private bool Reject(string table, string reason)
    {
        if (_rejectReason is null)
        {
            _rejectTable = table;
            _rejectReason = reason;
        }

        return false;
    }

    /// <summary>A root table's names and the scope of its records' top-level fields.</summary>
    /// <summary>A composite key's values, equal when every value is (so that the newest record per key wins, as for one key).</summary>
    private sealed class CompositeKey(object?[] values) : IEquatable<CompositeKey>
    {
        public bool Equals(CompositeKey? other) => other is not null && values.SequenceEqual(other.Values());

        public override bool Equals(object? obj) => Equals(obj as CompositeKey);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var value in values)
            {
                hash.Add(value);
            }

            return hash.ToHashCode();
        }

        private object?[] Values() => values;
    }

    private sealed record Root(TableColumns Table, Scope Scope, int GeneratedKeyId, int[] HeaderIds);

    /// <summary>
    /// The fields met so far at one place of the records (a table, and the object path inside its row), by their raw UTF-8
    /// names: looking a field up compares bytes, usually only with the entry that came at that position last time, so the
    /// names of a batch's fields are decoded, joined and named once per batch instead of once per record. Past
    /// <see cref="ScanLimit"/> entries a miss of that guess looks the name up in an index: a scope that 10,000-key objects
    /// filled holds tens of thousands of entries, and scanning them for every field of every later record made planning
    /// quadratic (300,000 narrow records after 50 such objects did not finish planning in 15 minutes).
    /// </summary>
    /// <param name="prefix">The keys above this object inside the row, joined with <c>__</c>; null at the row's top.</param>
    /// <param name="jsonPrefix">The JSON path of this object from the record's root; null for a root row's top.</param>
    private sealed class Scope(TableColumns table, string? prefix, string? jsonPrefix)
    {
        /// <summary>Up to this many entries a miss of the guess scans them; past it, it looks the name up in <see cref="_index"/>.</summary>
        private const int ScanLimit = 16;

        private readonly List<Entry> _entries = [];
        private Dictionary<byte[], Entry>? _index;
        private Dictionary<byte[], Entry>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

        public TableColumns Table { get; } = table;

        /// <summary>An array element's <c>value</c> field (scalar elements, and arrays in arrays); element scopes only.</summary>
        public Entry ValueEntry { get; set; } = null!;

        /// <summary>The array key the element table comes from (<c>items</c> for <c>data__items</c>); element scopes only.</summary>
        public string SourceName { get; init; } = string.Empty;

        public Entry Find(JsonProperty property, ref int hint)
        {
            if (hint < _entries.Count && property.NameEquals(_entries[hint].Utf8Name))
            {
                return _entries[hint++];
            }

            if (_index is null)
            {
                for (var i = 0; i < _entries.Count; i++)
                {
                    if (property.NameEquals(_entries[i].Utf8Name))
                    {
                        hint = i + 1;
                        return _entries[i];
                    }
                }
            }
            else
            {
                // The raw name is the decoded one unless it holds an escape (\u0041 for A): then decode it.
                var raw = JsonMarshal.GetRawUtf8PropertyName(property);
                if (raw.IndexOf((byte)'\\') < 0 ? _lookup.TryGetValue(raw, out var found) : _index.TryGetValue(System.Text.Encoding.UTF8.GetBytes(property.Name), out found))
                {
                    hint = found.Index + 1;
                    return found;
                }
            }

            var name = property.Name;
            var entry = NewEntry(
                jsonPrefix is null ? name : jsonPrefix + "." + name,
                prefix is null ? name : prefix + "__" + name,
                System.Text.Encoding.UTF8.GetBytes(name));
            hint = _entries.Count;
            return entry;
        }

        public Entry NewEntry(string path, string joinedKeys, byte[] utf8Name)
        {
            var entry = new Entry(utf8Name, path, joinedKeys) { Index = _entries.Count };
            _entries.Add(entry);
            if (_index is null && _entries.Count > ScanLimit)
            {
                _index = new Dictionary<byte[], Entry>(Utf8NameComparer.Instance);
                _lookup = _index.GetAlternateLookup<ReadOnlySpan<byte>>();
                foreach (var each in _entries)
                {
                    _index.TryAdd(each.Utf8Name, each);
                }
            }
            else
            {
                _index?.TryAdd(utf8Name, entry);
            }

            return entry;
        }
    }

    /// <summary>One field name of a <see cref="Scope"/>: its JSON path, its keys joined, its column once named, and the scopes below it.</summary>
    private sealed class Entry(byte[] utf8Name, string path, string joinedKeys)
    {
        public byte[] Utf8Name { get; } = utf8Name;

        /// <summary>Its position in its scope (the next field's likely position is one past it).</summary>
        public int Index { get; init; }

        /// <summary>The keys from the record's root joined with <c>.</c>, <c>[]</c> for array elements (<see cref="ColumnMapping.JsonPath"/>).</summary>
        public string Path { get; } = path;

        /// <summary>The keys inside the row joined with <c>__</c>: what the column name is made of.</summary>
        public string JoinedKeys { get; } = joinedKeys;

        /// <summary>The base column name, once the field held a scalar (or JSON kept whole).</summary>
        public string? Column { get; set; }

        public int ColumnId { get; set; } = -1;

        public int ArrayId { get; set; } = -1;

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

/// <summary>UTF-8 names compared by their bytes, looked up by a span of the raw JSON without a copy.</summary>
internal sealed class Utf8NameComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly Utf8NameComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        var hash = new HashCode();
        hash.AddBytes(alternate);
        return hash.ToHashCode();
    }

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
