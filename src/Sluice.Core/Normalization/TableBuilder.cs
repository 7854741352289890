using Sluice.Core.Loading;
using Sluice.Core.Tables;

namespace Sluice.Core.Normalization;

/// <summary>The columns every row of a table carries besides its data: system columns, keys and level ids.</summary>
/// <param name="Keys">Root: the key columns (<c>id</c>, <c>__sdc_primary_key</c>, or a composite key's). Subtable: <c>_sdc_source_key_&lt;key&gt;</c> for each.</param>
/// <param name="Depth">The table's nesting level: 0 for the root, one more per array.</param>
/// <param name="Version">The rows' <c>_sdc_table_version</c>.</param>
internal sealed record FixedColumns(IReadOnlyList<ColumnSpec> Keys, int Depth, long Version = 0)
{
    public FixedColumns(string keyColumn, ColumnType keyType, int depth, long version = 0)
        : this([new ColumnSpec(keyColumn, keyType)], depth, version)
    {
    }

    public const string ReceivedAt = "_sdc_received_at";
    public const string BatchedAt = "_sdc_batched_at";
    public const string Sequence = LoadSql.SequenceColumn;
    public const string TableVersion = "_sdc_table_version";

    public static string LevelColumn(int level) => $"_sdc_level_{level}_id";

    /// <summary>In table order: the four <c>_sdc_</c> columns, the key, then <c>_sdc_level_0_id</c>... for subtables.</summary>
    public IReadOnlyList<ColumnSpec> Columns()
    {
        var columns = new List<ColumnSpec>(4 + Keys.Count + Depth)
        {
            new(ReceivedAt, ColumnType.Timestamp),
            new(BatchedAt, ColumnType.Timestamp),
            new(Sequence, ColumnType.BigInt),
            new(TableVersion, ColumnType.BigInt),
        };
        columns.AddRange(Keys);
        for (var level = 0; level < Depth; level++)
        {
            columns.Add(new ColumnSpec(LevelColumn(level), ColumnType.BigInt));
        }

        return columns;
    }
}

/// <summary>What one table's part of a load comes to.</summary>
internal sealed record TableBuild(
    IReadOnlyList<SchemaChange> Changes,
    IReadOnlyList<ColumnMapping> Mappings,
    IReadOnlyList<ColumnSpec> WriteColumns,
    IReadOnlyList<object?[]> Rows);

/// <summary>
/// Plans one table: the columns its rows need (typed from the values, split by the PostgreSQL rule when a column sees a
/// second type), the schema changes that get the destination there, the <c>_sluice_columns</c> rows of the new columns,
/// and the rows aligned with the written columns.
/// </summary>
/// <remarks>
/// Width: a new field gets a column while the table has fewer than <see cref="ColumnNamer.OverflowAt"/> columns, and a new
/// type of a field its split column while it has fewer than <see cref="ColumnNamer.MaxColumns"/> - 1; past that the value
/// goes into the row's <see cref="ColumnNamer.OverflowColumn"/> (a JSON object keyed by JSON path), and so does every
/// later value of that path (recorded in <c>_sluice_columns</c>). A table never refuses a record for its width.
/// </remarks>
internal static class TableBuilder
{
    public static TableBuild Build(
        string table,
        TableSchema? existing,
        FixedColumns fixedColumns,
        IReadOnlyList<string> primaryKey,
        IReadOnlyList<RowDraft> rows,
        DateTime batchedAt,
        TableColumns names,
        IReadOnlyList<string>? keyPaths)
    {
        var schema = new SchemaState(table, existing);
        var fixedSpecs = fixedColumns.Columns();
        var mappings = new List<ColumnMapping>();
        var mapped = new HashSet<string>(existing?.Mappings.Where(m => !IsOverflowPath(m)).Select(m => m.Column) ?? [], ColumnNamer.Comparer);
        var overflowPaths = new HashSet<(string, ColumnType)>(existing?.Mappings.Where(IsOverflowPath).Select(m => (m.JsonPath!, m.Type)) ?? []);
        void Map(ColumnSpec column, string? path)
        {
            // A renamed column keeps its row: the destination renames it there too.
            if (schema.RenamedFrom(column.Name) is { } from && mapped.Contains(from))
            {
                mapped.Add(column.Name);
                return;
            }

            if (mapped.Add(column.Name))
            {
                mappings.Add(new ColumnMapping(table, column.Name, path, column.Type, names.RootTable, names.TablePath));
            }
        }

        foreach (var column in fixedSpecs)
        {
            if (!schema.Contains(column.Name))
            {
                schema.Add(column);
            }

            var keyIndex = IndexOfKey(fixedColumns, column.Name);
            var path = keyPaths is not null && keyIndex >= 0 ? keyPaths[keyIndex] : null;
            Map(schema.Find(column.Name)!, path);
        }

        var (bases, basesInOrder) = CollectBaseColumns(rows, names);
        var overflowing = false;
        foreach (var column in basesInOrder)
        {
            overflowing |= Resolve(schema, column, fixedSpecs);
            foreach (var type in column.Types)
            {
                var index = column.IndexByType[(int)type];
                if (index >= 0)
                {
                    Map(schema.Columns[index], column.Path);
                }
                else if (column.Path is not null && overflowPaths.Add((column.Path, type)))
                {
                    mappings.Add(new ColumnMapping(table, ColumnNamer.OverflowColumn, column.Path, type, names.RootTable, names.TablePath));
                }
            }
        }

        var overflowIndex = -1;
        if (overflowing)
        {
            overflowIndex = schema.IndexOf(ColumnNamer.OverflowColumn);
            if (overflowIndex < 0)
            {
                overflowIndex = schema.Add(new ColumnSpec(ColumnNamer.OverflowColumn, ColumnType.Json));
            }

            Map(schema.Columns[overflowIndex], null);
        }

        var changes = existing is null
            ? [new CreateTable(table, schema.Columns.ToArray(), primaryKey)]
            : schema.Changes;

        // Only the columns this load fills are written; the rest stay NULL.
        var used = new bool[schema.Columns.Count];
        var fixedIndex = fixedSpecs.Select(c => schema.IndexOf(c.Name)).ToArray();
        foreach (var index in fixedIndex)
        {
            used[index] = true;
        }

        foreach (var column in basesInOrder)
        {
            foreach (var type in column.Types)
            {
                if (column.IndexByType[(int)type] >= 0)
                {
                    used[column.IndexByType[(int)type]] = true;
                }
            }
        }

        if (overflowIndex >= 0)
        {
            used[overflowIndex] = true;
        }

        var writeIndex = new int[used.Length];
        var writeColumns = new List<ColumnSpec>();
        for (var i = 0; i < used.Length; i++)
        {
            writeIndex[i] = used[i] ? writeColumns.Count : -1;
            if (used[i])
            {
                writeColumns.Add(schema.Columns[i]);
            }
        }

        var fixedWrite = fixedIndex.Select(i => writeIndex[i]).ToArray();

        // Where a field lands, by column id and type: one lookup per value.
        var slots = new int[bases.Length * ColumnTypes.Count];
        for (var id = 0; id < bases.Length; id++)
        {
            for (var type = 0; type < ColumnTypes.Count; type++)
            {
                var index = bases[id]?.IndexByType[type] ?? -1;
                slots[(id * ColumnTypes.Count) + type] = index == Overflow ? Overflow : index < 0 ? -1 : writeIndex[index];
            }
        }

        var written = new List<object?[]>(rows.Count);
        object boxedBatchedAt = batchedAt;
        foreach (var row in rows)
        {
            var values = new object?[writeColumns.Count];
            values[fixedWrite[0]] = row.Record.BoxedReceivedAt;
            values[fixedWrite[1]] = boxedBatchedAt;
            values[fixedWrite[2]] = row.Record.BoxedSequence;
            values[fixedWrite[3]] = Boxes.Int64(fixedColumns.Version);
            var keys = fixedColumns.Keys.Count;
            for (var k = 0; k < keys; k++)
            {
                values[fixedWrite[4 + k]] = row.Record.KeyAt(k);
            }

            for (var level = 0; level < row.LevelIds.Length; level++)
            {
                values[fixedWrite[4 + keys + level]] = Boxes.Int64(row.LevelIds[level]);
            }

            List<(string Path, FieldValue Field)>? overflow = null;
            foreach (var field in row.Fields)
            {
                var slot = slots[(field.ColumnId * ColumnTypes.Count) + (int)field.Type];
                if (slot >= 0)
                {
                    values[slot] = field.Value;
                }
                else
                {
                    (overflow ??= []).Add((bases[field.ColumnId]!.Path!, field));
                }
            }

            if (overflow is not null)
            {
                values[writeIndex[overflowIndex]] = OverflowJson(overflow);
            }

            written.Add(values);
        }

        return new TableBuild(changes, mappings, writeColumns, written);
    }

    /// <summary>Marks a type of a base column whose values go to <see cref="ColumnNamer.OverflowColumn"/>.</summary>
    private const int Overflow = -2;

    private static int IndexOfKey(FixedColumns fixedColumns, string column)
    {
        for (var i = 0; i < fixedColumns.Keys.Count; i++)
        {
            if (fixedColumns.Keys[i].Name == column)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsOverflowPath(ColumnMapping mapping) =>
        mapping.JsonPath is not null && ColumnNamer.Comparer.Equals(mapping.Column, ColumnNamer.OverflowColumn);

    /// <summary>One row's overflowing fields as a JSON object: the JSON path as the key, the value as it came.</summary>
    private static string OverflowJson(List<(string Path, FieldValue Field)> fields)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (path, field) in fields)
            {
                json.WritePropertyName(path);
                switch (field.Value)
                {
                    case long l:
                        json.WriteNumberValue(l);
                        break;
                    case double d:
                        json.WriteNumberValue(d);
                        break;
                    case bool b:
                        json.WriteBooleanValue(b);
                        break;
                    case string text when field.Type == ColumnType.Json:
                        json.WriteRawValue(text, skipInputValidation: true);
                        break;
                    case string text:
                        json.WriteStringValue(text);
                        break;
                    default:
                        json.WriteNullValue();
                        break;
                }
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Data columns by id (<see cref="FieldValue.ColumnId"/>), in first-seen order, with the types each received, in first-seen order.</summary>
    private static (BaseColumn?[] ById, List<BaseColumn> InOrder) CollectBaseColumns(IReadOnlyList<RowDraft> rows, TableColumns names)
    {
        var bases = new BaseColumn?[16];
        var inOrder = new List<BaseColumn>();
        foreach (var row in rows)
        {
            foreach (var field in row.Fields)
            {
                if (field.ColumnId >= bases.Length)
                {
                    Array.Resize(ref bases, Math.Max(bases.Length * 2, field.ColumnId + 1));
                }

                var column = bases[field.ColumnId];
                if (column is null)
                {
                    bases[field.ColumnId] = column = new BaseColumn(field.Column, names.PathOf(field.ColumnId));
                    inOrder.Add(column);
                }

                if (column.Types.Count != 1 || column.Types[0] != field.Type)
                {
                    if (!column.Types.Contains(field.Type))
                    {
                        column.Types.Add(field.Type);
                    }
                }
            }
        }

        return (bases, inOrder);
    }

    /// <summary>Finds or adds the columns of <paramref name="column"/>'s types; true when a type goes to the overflow column.</summary>
    private static bool Resolve(SchemaState schema, BaseColumn column, IReadOnlyList<ColumnSpec> fixedSpecs)
    {
        // The key field of an upsert source is a fixed column; its type was checked against the key column already.
        if (fixedSpecs.Any(c => ColumnNamer.Comparer.Equals(c.Name, column.Name)))
        {
            var index = schema.IndexOf(column.Name);
            foreach (var type in column.Types)
            {
                column.IndexByType[(int)type] = index;
            }

            return false;
        }

        // A path put into the overflow column once stays there; so does a new path of a full table (system columns and
        // captured headers, which have no path, always get columns).
        if (ColumnNamer.Comparer.Equals(column.Name, ColumnNamer.OverflowColumn)
            || (column.Path is not null && schema.Find(column.Name) is null && !column.Types.Any(t => schema.Contains(ColumnTypes.SplitName(column.Name, t)))
                && schema.Columns.Count >= ColumnNamer.OverflowAt))
        {
            foreach (var type in column.Types)
            {
                column.IndexByType[(int)type] = Overflow;
            }

            return true;
        }

        var overflowed = false;
        int AddSplit(ColumnSpec spec)
        {
            if (column.Path is not null && schema.Columns.Count >= ColumnNamer.MaxColumns - 1)
            {
                overflowed = true;
                return Overflow;
            }

            return schema.Add(spec);
        }

        var plain = schema.Find(column.Name);
        var name = plain?.Name ?? column.Name;
        var splits = new int[ColumnTypes.Count];
        var anySplit = false;
        foreach (var type in Enum.GetValues<ColumnType>())
        {
            splits[(int)type] = schema.IndexOf(ColumnTypes.SplitName(name, type));
            anySplit |= splits[(int)type] >= 0;
        }

        if (plain is null && !anySplit)
        {
            // New column: one type keeps the plain name; several types in this very batch split at once.
            foreach (var type in column.Types)
            {
                var spec = new ColumnSpec(column.Types.Count == 1 ? name : ColumnTypes.SplitName(name, type), type);
                column.IndexByType[(int)type] = AddSplit(spec);
            }

            return overflowed;
        }

        if (plain is not null && !anySplit && column.Types.Any(t => t != plain.Type))
        {
            // PostgreSQL rule: the original column takes its type's suffix, every other type gets its own column.
            var renamed = ColumnTypes.SplitName(name, plain.Type);
            splits[(int)plain.Type] = schema.Rename(name, renamed);
            plain = null;
        }

        foreach (var type in column.Types)
        {
            if (splits[(int)type] >= 0)
            {
                column.IndexByType[(int)type] = splits[(int)type];
            }
            else if (plain is not null && plain.Type == type)
            {
                column.IndexByType[(int)type] = schema.IndexOf(plain.Name);
            }
            else
            {
                column.IndexByType[(int)type] = AddSplit(new ColumnSpec(ColumnTypes.SplitName(name, type), type));
            }
        }

        return overflowed;
    }

    private sealed class BaseColumn(string name, string? path)
    {
        public string Name { get; } = name;

        /// <summary>The field's JSON path; null for system and captured-header columns.</summary>
        public string? Path { get; } = path;

        public List<ColumnType> Types { get; } = new(1);

        public int[] IndexByType { get; } = [-1, -1, -1, -1, -1, -1];
    }

    /// <summary>The table's columns as they will be after this load's changes, and those changes for an existing table.</summary>
    private sealed class SchemaState
    {
        private readonly string _table;
        private readonly bool _exists;
        private readonly Dictionary<string, int> _index = new(ColumnNamer.Comparer);

        public SchemaState(string table, TableSchema? existing)
        {
            _table = table;
            _exists = existing is not null;
            foreach (var column in existing?.Columns ?? [])
            {
                _index.TryAdd(column.Name, Columns.Count);
                Columns.Add(column);
            }
        }

        public List<ColumnSpec> Columns { get; } = [];

        public List<SchemaChange> Changes { get; } = [];

        public bool Contains(string name) => _index.ContainsKey(name);

        public int IndexOf(string name) => _index.TryGetValue(name, out var index) ? index : -1;

        public ColumnSpec? Find(string name) => _index.TryGetValue(name, out var index) ? Columns[index] : null;

        public int Add(ColumnSpec column)
        {
            var index = Columns.Count;
            _index.Add(column.Name, index);
            Columns.Add(column);
            if (_exists)
            {
                Changes.Add(new AddColumn(_table, column));
            }

            return index;
        }

        private readonly Dictionary<string, string> _renamedFrom = new(ColumnNamer.Comparer);

        public string? RenamedFrom(string name) => _renamedFrom.GetValueOrDefault(name);

        public int Rename(string from, string to)
        {
            _renamedFrom[to] = from;
            var index = _index[from];
            _index.Remove(from);
            _index.Add(to, index);
            Columns[index] = Columns[index] with { Name = to };
            Changes.Add(new RenameColumn(_table, from, to));
            return index;
        }
    }
}
