using System.Text;
using Sluice.Core.Tables;

namespace Sluice.Core.Loading;

/// <summary>
/// The SQL both SQL destinations (DuckDB, PostgreSQL) run to apply <see cref="TableWrite"/>'s upsert rules, so the rules
/// live in one place. Only the staging (appender or binary COPY) and the type names differ per engine. Every name is quoted:
/// destination names keep their case and may contain spaces.
/// </summary>
public static class LoadSql
{
    public const string SequenceColumn = "_sdc_sequence";
    public const string SourceKeyPrefix = "_sdc_source_key_";
    public const string RejectedTable = "_sdc_rejected";
    public const string BookkeepingSchema = "_sluice";
    public const string CheckpointsTable = "_sluice_checkpoints";
    public const string LoadsTable = "_sluice_loads";

    /// <summary>Per source: the table version a reload set (<see cref="IDestination.GetTableVersionAsync"/>).</summary>
    public const string VersionsTable = "_sluice_versions";

    /// <summary>Per source schema: which JSON path every column holds (<see cref="ColumnMapping"/>).</summary>
    public const string ColumnsTable = "_sluice_columns";

    public const string StagePrefix = "_sluice_stage_";

    /// <summary>
    /// The steps that apply <paramref name="writes"/> by <see cref="TableWrite"/>'s rules: append-only writes bulk-insert into
    /// their table; an upsert root is staged, loses the rows an equal-or-newer existing row beats, replaces the rest and clears
    /// the replaced roots' rows from every existing subtable (<c>root__*</c>); an upsert subtable inserts only rows whose root
    /// won with the same sequence (<see cref="SubtableInsertStep"/>: straight in when no staged root lost). Checks every write first (<see cref="TableWriteCheck"/>).
    /// </summary>
    public static IReadOnlyList<WriteStep> PlanWrites(string schema, IReadOnlyDictionary<string, TableSchema> tables, IReadOnlyList<TableWrite> writes)
    {
        var steps = new List<WriteStep>();
        var stagedRoots = new Dictionary<string, string>(StringComparer.Ordinal);
        var rootRanges = new Dictionary<string, KeyRange?>(StringComparer.Ordinal);
        var cleared = new HashSet<string>(StringComparer.Ordinal);
        var stages = 0;
        foreach (var write in writes)
        {
            var table = TableWriteCheck.Target(schema, tables, write);
            if (write.Mode == WriteMode.Append)
            {
                steps.Add(new BulkAppendStep(schema, table, write));
                continue;
            }

            var stage = StagePrefix + stages++.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var columns = write.Columns.Select(c => c.Name).ToList();
            if (write.IsRoot)
            {
                var range = KeyRangeOf(write);
                steps.Add(new StageStep(stage, write));
                steps.Add(new DropLosingRootsStep(stage, DeleteLosingStagedRows(stage, schema, write.Table, write.KeyColumns, range)));
                steps.Add(new SqlStep(DeleteReplacedRows(schema, write.Table, stage, write.KeyColumns, range)));
                steps.Add(new SqlStep(InsertStaged(schema, write.Table, stage, columns)));
                foreach (var (subtable, parentKeys) in SubtablesOf(tables.Values, write.Table, write.KeyColumns))
                {
                    steps.Add(new SqlStep(DeleteSubtableRowsOfWinners(schema, subtable.Name, stage, parentKeys, range)));
                    cleared.Add(subtable.Name);
                }

                stagedRoots[write.Table] = stage;
                rootRanges[write.Table] = range;
            }
            else
            {
                var rootStage = TableWriteCheck.RootStage(stagedRoots, write);
                if (cleared.Add(write.Table))
                {
                    steps.Add(new SqlStep(DeleteSubtableRowsOfWinners(schema, write.Table, rootStage, write.ParentKeyColumns, rootRanges.GetValueOrDefault(write.RootTable))));
                }

                steps.Add(new SubtableInsertStep(
                    schema, table, write, stage, rootStage, InsertWinningSubtableRows(schema, write.Table, stage, rootStage, columns, write.ParentKeyColumns)));
            }
        }

        return steps;
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Table(string schema, string table) => Quote(schema) + "." + Quote(table);

    public static string ColumnList(IEnumerable<string> columns, string? alias = null) =>
        string.Join(", ", columns.Select(c => alias is null ? Quote(c) : alias + "." + Quote(c)));

    /// <summary><c>CREATE TABLE</c> with nullable data columns, NOT NULL key columns and the constraint <c>&lt;table&gt;_pkey</c>.</summary>
    public static string CreateTable(string schema, CreateTable create, Func<ColumnType, string> typeName, bool namedConstraint)
    {
        var sql = new StringBuilder("CREATE TABLE ").Append(Table(schema, create.Table)).Append(" (");
        for (var i = 0; i < create.Columns.Count; i++)
        {
            var column = create.Columns[i];
            if (i > 0)
            {
                sql.Append(", ");
            }

            sql.Append(Quote(column.Name)).Append(' ').Append(typeName(column.Type));
            if (create.PrimaryKey.Contains(column.Name))
            {
                sql.Append(" NOT NULL");
            }
        }

        if (create.PrimaryKey.Count > 0)
        {
            sql.Append(", ");
            if (namedConstraint)
            {
                sql.Append("CONSTRAINT ").Append(Quote(create.Table + "_pkey")).Append(' ');
            }

            sql.Append("PRIMARY KEY (").Append(ColumnList(create.PrimaryKey)).Append(')');
        }

        return sql.Append(')').ToString();
    }

    public static string AddColumn(string schema, AddColumn add, Func<ColumnType, string> typeName) =>
        $"ALTER TABLE {Table(schema, add.Table)} ADD COLUMN {Quote(add.Column.Name)} {typeName(add.Column.Type)}";

    public static string RenameColumn(string schema, RenameColumn rename) =>
        $"ALTER TABLE {Table(schema, rename.Table)} RENAME COLUMN {Quote(rename.From)} TO {Quote(rename.To)}";

    public static string CreateRejectedTable(string schema, Func<ColumnType, string> typeName) =>
        $"CREATE TABLE IF NOT EXISTS {Table(schema, RejectedTable)} (\"_sdc_rejected_at\" {typeName(ColumnType.Timestamp)}, " +
        $"\"table_name\" {typeName(ColumnType.Text)}, \"reason\" {typeName(ColumnType.Text)}, \"record\" {typeName(ColumnType.Text)})";

    /// <summary><c>_sluice_columns</c> of a schema, created with the schema's first load after this version.</summary>
    public static string CreateColumnsTable(string schema, Func<ColumnType, string> typeName) =>
        $"CREATE TABLE IF NOT EXISTS {Table(schema, ColumnsTable)} (\"table_name\" {typeName(ColumnType.Text)}, " +
        $"\"column_name\" {typeName(ColumnType.Text)}, \"json_path\" {typeName(ColumnType.Text)}, \"type\" {typeName(ColumnType.Text)}, " +
        $"\"first_seen_at\" {typeName(ColumnType.Timestamp)}, \"root_table\" {typeName(ColumnType.Text)}, \"table_path\" {typeName(ColumnType.Text)})";

    /// <summary>The columns of <c>_sluice_columns</c> in table order, for bulk inserts.</summary>
    public static readonly IReadOnlyList<string> ColumnsTableColumns = ["table_name", "column_name", "json_path", "type", "first_seen_at", "root_table", "table_path"];

    /// <summary>Reads a schema's <c>_sluice_columns</c>: table, column, path, type name, root table, table path.</summary>
    public static string SelectMappings(string schema) =>
        $"SELECT \"table_name\", \"column_name\", \"json_path\", \"type\", \"root_table\", \"table_path\" FROM {Table(schema, ColumnsTable)} ORDER BY \"first_seen_at\", \"table_name\"";

    /// <summary>Keeps a renamed column's <c>_sluice_columns</c> row with it.</summary>
    public static string RenameMapping(string schema, RenameColumn rename) =>
        $"UPDATE {Table(schema, ColumnsTable)} SET \"column_name\" = {Literal(rename.To)} " +
        $"WHERE \"table_name\" = {Literal(rename.Table)} AND \"column_name\" = {Literal(rename.From)}";

    /// <summary>A SQL string literal (both engines treat backslashes literally in standard strings).</summary>
    /// <summary><c>_sluice._sluice_versions</c>, the same in both engines.</summary>
    public static string CreateVersionsTable() =>
        $"CREATE TABLE IF NOT EXISTS {Table(BookkeepingSchema, VersionsTable)} (source_id BIGINT PRIMARY KEY, table_version BIGINT NOT NULL)";

    public static string SelectTableVersion(long sourceId) =>
        $"SELECT table_version FROM {Table(BookkeepingSchema, VersionsTable)} WHERE source_id = {sourceId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The statements a reload's first part runs before anything else (<see cref="LoadRequest.Reload"/>): drop every table of
    /// the schema in <paramref name="tables"/> (its data tables; never <c>_sdc_rejected</c> or <c>_sluice_columns</c>), clear
    /// <c>_sluice_columns</c> and store the new table version. The superseded rejections are deleted by <see cref="SupersedeRejections"/>.
    /// </summary>
    public static IReadOnlyList<string> ReloadStatements(string schema, long sourceId, IEnumerable<string> tables, LoadReload reload)
    {
        ArgumentNullException.ThrowIfNull(reload);
        var statements = tables
            .Where(t => t != RejectedTable && t != ColumnsTable)
            .OrderByDescending(t => t.Length)
            .Select(t => $"DROP TABLE {Table(schema, t)}")
            .ToList();
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        statements.Add($"DELETE FROM {Table(schema, ColumnsTable)}");
        statements.Add(
            $"INSERT INTO {Table(BookkeepingSchema, VersionsTable)} (source_id, table_version) VALUES ({sourceId.ToString(invariant)}, {reload.TableVersion.ToString(invariant)}) " +
            "ON CONFLICT (source_id) DO UPDATE SET table_version = excluded.table_version");
        return statements;
    }

    /// <summary>
    /// Deletes the rejections a reload replaces: those of the source's loads that began at or after the reload's first
    /// sequence, found by their batched-at (a rejection's <c>_sdc_rejected_at</c>). Loads partly before it keep theirs.
    /// </summary>
    public static string SupersedeRejections(string schema, long sourceId, LoadReload reload)
    {
        ArgumentNullException.ThrowIfNull(reload);
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return $"DELETE FROM {Table(schema, RejectedTable)} WHERE \"_sdc_rejected_at\" >= (SELECT min(batched_at) FROM {Table(BookkeepingSchema, LoadsTable)} " +
            $"WHERE source_id = {sourceId.ToString(invariant)} AND min_sequence >= {reload.FirstSequence.ToString(invariant)})";
    }

    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// Attaches each table's <c>_sluice_columns</c> rows (<paramref name="rows"/>, as <see cref="SelectMappings"/> reads them)
    /// to <paramref name="tables"/>; rows of tables that no longer exist are ignored.
    /// </summary>
    public static void AttachMappings(Dictionary<string, TableSchema> tables, IEnumerable<(string Table, string Column, string? Path, string Type, string Root, string? TablePath)> rows)
    {
        var byTable = new Dictionary<string, List<ColumnMapping>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!tables.ContainsKey(row.Table))
            {
                continue;
            }

            if (!byTable.TryGetValue(row.Table, out var list))
            {
                byTable[row.Table] = list = [];
            }

            var type = Normalization.ColumnTypes.FromMappingName(row.Type) ?? ColumnType.Text;
            list.Add(new ColumnMapping(row.Table, row.Column, row.Path, type, row.Root, row.TablePath));
        }

        foreach (var (table, list) in byTable)
        {
            tables[table] = tables[table] with { Mappings = list };
        }
    }

    /// <summary>Root upsert, step 1: drops from the staged rows those an existing row with an equal or newer sequence beats.</summary>
    /// <param name="range">The staged keys' bounds (<see cref="KeyRangeOf"/>), if known: lets the engine skip the table's other rows.</param>
    public static string DeleteLosingStagedRows(string staged, string schema, string table, IReadOnlyList<string> keys, KeyRange? range = null) =>
        $"DELETE FROM {Quote(staged)} AS s WHERE EXISTS (SELECT 1 FROM {Table(schema, table)} AS t WHERE " +
        $"{KeyMatch("t", "s", keys.Select(k => (k, k)))} AND t.{Quote(SequenceColumn)} >= s.{Quote(SequenceColumn)}{Within("t", keys, range)})";

    /// <summary>Root upsert, step 2: deletes the existing rows the remaining (winning) staged rows replace.</summary>
    public static string DeleteReplacedRows(string schema, string table, string staged, IReadOnlyList<string> keys, KeyRange? range = null) =>
        $"DELETE FROM {Table(schema, table)} AS t WHERE EXISTS (SELECT 1 FROM {Quote(staged)} AS s WHERE {KeyMatch("t", "s", keys.Select(k => (k, k)))}){Within("t", keys, range)}";

    /// <summary>Root upsert, step 3 (and the staged append): inserts every staged row.</summary>
    public static string InsertStaged(string schema, string table, string staged, IReadOnlyList<string> columns) =>
        $"INSERT INTO {Table(schema, table)} ({ColumnList(columns)}) SELECT {ColumnList(columns)} FROM {Quote(staged)}";

    /// <summary>Root upsert, step 4: deletes a subtable's rows of every root row that won, whether or not new elements arrive.</summary>
    /// <param name="parentKeys">Pairs of subtable column (<c>_sdc_source_key_x</c>) and root column (<c>x</c>).</param>
    public static string DeleteSubtableRowsOfWinners(
        string schema, string subtable, string stagedRoot, IReadOnlyList<KeyValuePair<string, string>> parentKeys, KeyRange? range = null) =>
        $"DELETE FROM {Table(schema, subtable)} AS t WHERE EXISTS (SELECT 1 FROM {Quote(stagedRoot)} AS s WHERE " +
        $"{KeyMatch("t", "s", parentKeys.Select(p => (p.Key, p.Value)))}){Within("t", parentKeys.Select(p => p.Key).ToList(), range)}";

    /// <summary>
    /// The smallest and largest key of a root upsert whose key is one BIGINT column; null otherwise. The upsert statements
    /// repeat it as constant bounds so that engines that scan (DuckDB) skip the row groups no staged key can be in, instead
    /// of scanning whole tables; new, increasing keys (order numbers) then touch only the newest rows.
    /// </summary>
    public static KeyRange? KeyRangeOf(TableWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (write.KeyColumns.Count != 1 || write.Rows.Count == 0)
        {
            return null;
        }

        var index = -1;
        for (var i = 0; i < write.Columns.Count; i++)
        {
            if (write.Columns[i].Name == write.KeyColumns[0])
            {
                index = write.Columns[i].Type == ColumnType.BigInt ? i : -1;
                break;
            }
        }

        if (index < 0)
        {
            return null;
        }

        var (min, max) = (long.MaxValue, long.MinValue);
        foreach (var row in write.Rows)
        {
            if (row.Length <= index || row[index] is not long key)
            {
                return null;
            }

            (min, max) = (Math.Min(min, key), Math.Max(max, key));
        }

        return new KeyRange(min, max);
    }

    private static string Within(string alias, IReadOnlyList<string> keys, KeyRange? range) =>
        range is { } r && keys.Count == 1
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" AND {alias}.{Quote(keys[0])} BETWEEN {r.Min} AND {r.Max}")
            : string.Empty;

    /// <summary>Subtable of an upsert root: inserts only the staged rows whose root row won with the same sequence.</summary>
    public static string InsertWinningSubtableRows(
        string schema, string subtable, string staged, string stagedRoot, IReadOnlyList<string> columns, IEnumerable<KeyValuePair<string, string>> parentKeys) =>
        $"INSERT INTO {Table(schema, subtable)} ({ColumnList(columns)}) SELECT {ColumnList(columns, "c")} FROM {Quote(staged)} AS c " +
        $"WHERE EXISTS (SELECT 1 FROM {Quote(stagedRoot)} AS s WHERE {KeyMatch("c", "s", parentKeys.Select(p => (p.Key, p.Value)))} " +
        $"AND s.{Quote(SequenceColumn)} = c.{Quote(SequenceColumn)})";

    /// <summary>The subtables of <paramref name="root"/> among <paramref name="tables"/>: named <c>root__...</c> and holding every source key column.</summary>
    public static IEnumerable<(TableSchema Table, KeyValuePair<string, string>[] ParentKeys)> SubtablesOf(
        IEnumerable<TableSchema> tables, string root, IReadOnlyList<string> rootKeys)
    {
        foreach (var table in tables)
        {
            if (!table.Name.StartsWith(root + "__", StringComparison.Ordinal))
            {
                continue;
            }

            var pairs = rootKeys.Select(k => new KeyValuePair<string, string>(
                Normalization.ColumnNamer.Fit(SourceKeyPrefix + k, Normalization.ColumnNamer.MaxColumnNameBytes), k)).ToArray();
            if (pairs.All(p => table.Find(p.Key) is not null))
            {
                yield return (table, pairs);
            }
        }
    }

    private static string KeyMatch(string left, string right, IEnumerable<(string Left, string Right)> pairs) =>
        string.Join(" AND ", pairs.Select(p => $"{left}.{Quote(p.Left)} = {right}.{Quote(p.Right)}"));
}

/// <summary>The bounds of a load's BIGINT keys (<see cref="LoadSql.KeyRangeOf"/>).</summary>
public readonly record struct KeyRange(long Min, long Max);
