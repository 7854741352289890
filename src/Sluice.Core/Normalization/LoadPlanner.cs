using Sluice.Core.Buffering;
using Sluice.Core.Loading;
using Sluice.Core.Tables;

namespace Sluice.Core.Normalization;

/// <summary>
/// Normalizes one batch of one source into a <see cref="LoadPlan"/>: table rows, schema changes and rejections, following
/// DESIGN.md "Table semantics". Pure: no I/O; time and randomness come in through the arguments.
/// </summary>
/// <remarks>
/// Decisions where the documents are silent:
/// <list type="bullet">
/// <item>Record-level problems (key, naming, collisions, values) reject the whole record: one <c>_sdc_rejected</c> row whose
/// <c>table_name</c> is the table holding the offending field, counted as one rejected row of the root table.</item>
/// <item>With a key, rejection comes before de-duplication: the newest <em>valid</em> record of a key wins, as if each record
/// had come in its own batch.</item>
/// <item>Nothing is dropped or rejected for a name or for width (Sluice's rule, DESIGN.md): long names are shortened, keys
/// that come to one name get distinct names (<see cref="TableColumns"/>, <see cref="SchemaTables"/>), fields past
/// <see cref="ColumnNamer.OverflowAt"/> columns go to <c>_sdc_overflow</c> (<see cref="TableBuilder"/>), and every column
/// is recorded in <c>_sluice_columns</c> (<see cref="LoadPlan.Mappings"/>). A record's shape never affects another's.</item>
/// <item>Every array element is a row, so level ids stay the element's index even around <c>null</c> elements.</item>
/// <item>With <c>table_from</c>, each root table has its own subtables; with a key, the newest record per root table and key
/// wins.</item>
/// <item>A key given twice in one object rejects the record (<see cref="RejectionReasons.DuplicateKey"/>): which value is
/// meant cannot be told. A table of an older version met at another nesting depth than it has rejects the record with
/// <c>Field collision on &lt;table&gt;</c>.</item>
/// </list>
/// </remarks>
public sealed class LoadPlanner
{
    private const string SourceKeyPrefix = LoadSql.SourceKeyPrefix;

    // Row drafts of finished plans, for the next ones (plans of different sources may run at the same time).
    private readonly System.Collections.Concurrent.ConcurrentBag<DraftPool> _draftPools = [];

    /// <summary>Plans the load of <paramref name="records"/> (one source, non-empty) against the destination's current tables.</summary>
    /// <param name="existingTables">The tables of the source's schema as they are in the destination now.</param>
    /// <param name="batchedAtUtc">The batch's <c>_sdc_batched_at</c> and <c>_sdc_rejected_at</c>.</param>
    public LoadPlan Plan(LoadContext context, IReadOnlyList<BufferedRecord> records, IReadOnlyList<TableSchema> existingTables, DateTime batchedAtUtc)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(existingTables);
        if (records.Count == 0)
        {
            throw new ArgumentException("A load needs at least one record.", nameof(records));
        }

        var batchedAt = batchedAtUtc.Kind switch
        {
            DateTimeKind.Utc => batchedAtUtc,
            DateTimeKind.Local => batchedAtUtc.ToUniversalTime(),
            _ => DateTime.SpecifyKind(batchedAtUtc, DateTimeKind.Utc),
        };
        if (!_draftPools.TryTake(out var drafts))
        {
            drafts = new DraftPool();
        }

        var plan = new Planning(context, existingTables, batchedAt, drafts).Run(records);

        // Nothing in the plan refers to a draft: the table rows were built from them, and the planning state is gone.
        drafts.Recycle();
        _draftPools.Add(drafts);
        return plan;
    }

    /// <summary>The state of one <see cref="Plan"/> call.</summary>
    private sealed class Planning
    {
        private readonly LoadContext _context;
        private readonly DateTime _batchedAt;
        private readonly Dictionary<string, TableSchema> _existing = new(ColumnNamer.Comparer);
        private readonly IReadOnlyList<TableSchema> _existingInOrder;
        private readonly bool _upsert;
        private readonly string[] _keyColumns;
        private readonly ColumnType?[] _keyTypes;
        private readonly IReadOnlyList<string> _keyFields;
        private readonly Dictionary<string, TableStatsBuilder> _stats = new(ColumnNamer.Comparer);
        private readonly List<TableStatsBuilder> _statsInOrder = [];
        private readonly Dictionary<string, TableNode> _tables = new(ColumnNamer.Comparer);
        private readonly List<TableNode> _tablesInOrder = [];
        private readonly List<(string Name, TableNode Node)> _recentNodes = [];
        private readonly List<RejectedRecord> _rejections = [];
        private readonly List<SchemaChange> _changes = [];
        private readonly List<ColumnMapping> _mappings = [];
        private RecordShredder _shredder = null!;
        private readonly List<TableWrite> _writes = [];
        private readonly DraftPool _drafts;

        public Planning(LoadContext context, IReadOnlyList<TableSchema> existingTables, DateTime batchedAt, DraftPool drafts)
        {
            _context = context;
            _drafts = drafts;
            _batchedAt = batchedAt;
            _existingInOrder = existingTables;
            foreach (var table in existingTables)
            {
                _existing.TryAdd(table.Name, table);
            }

            _upsert = context.PrimaryKey is not null;
            _keyFields = _upsert ? Sources.PrimaryKeyRule.Fields(context.PrimaryKey!) : [];
            _keyColumns = [RecordShredder.GeneratedKeyColumn];
            _keyTypes = [ColumnType.Text];
            if (_upsert)
            {
                var rootColumns = existingTables
                    .Where(t => t.Mappings.Count == 0 ? ColumnNamer.Comparer.Equals(t.Name, RecordShredder.RootTable) : ColumnNamer.Comparer.Equals(t.Mappings[0].RootTable, t.Name))
                    .SelectMany(t => t.Columns)
                    .ToList();
                _keyColumns = new string[_keyFields.Count];
                _keyTypes = new ColumnType?[_keyFields.Count];
                for (var k = 0; k < _keyFields.Count; k++)
                {
                    var key = _keyFields[k];
                    var named = key.StartsWith(Sources.SourceLayout.HeaderColumnPrefix, StringComparison.OrdinalIgnoreCase) ? key : ColumnNamer.ClientName(key);
                    var existingKey = rootColumns.FirstOrDefault(c => ColumnNamer.Comparer.Equals(c.Name, named));
                    _keyColumns[k] = existingKey?.Name ?? named;
                    _keyTypes[k] = existingKey?.Type;
                }
            }

            Stats(RecordShredder.RootTable, RecordShredder.RootTable, RecordShredder.RootTable);
        }

        public LoadPlan Run(IReadOnlyList<BufferedRecord> records)
        {
            var loadId = _context.NewGuid();
            var ordered = InSequenceOrder(records);
            var accepted = Shred(ordered);
            var winners = _upsert ? NewestPerKey(accepted) : accepted;
            if (!_upsert)
            {
                foreach (var record in winners)
                {
                    record.Key = _context.NewGuid().ToString();
                }
            }

            Group(winners);
            foreach (var node in _tablesInOrder)
            {
                PlanTable(node);
            }

            AddEmptySubtableWrites();
            var summary = new LoadSummary(
                loadId,
                _context.SourceId,
                _context.Schema,
                _batchedAt,
                ordered.Min(r => r.Sequence),
                ordered.Max(r => r.Sequence),
                ordered.Max(r => r.ReceivedAt).UtcDateTime,
                _statsInOrder.Select(s => s.Build()).ToArray());
            return new LoadPlan(summary, _changes, _writes, _rejections) { Mappings = _mappings };
        }

        private static IReadOnlyList<BufferedRecord> InSequenceOrder(IReadOnlyList<BufferedRecord> records)
        {
            for (var i = 1; i < records.Count; i++)
            {
                if (records[i].Sequence < records[i - 1].Sequence)
                {
                    return records.OrderBy(r => r.Sequence).ToArray();
                }
            }

            return records;
        }

        private List<ShreddedRecord> Shred(IReadOnlyList<BufferedRecord> records)
        {
            var shredder = _shredder = new RecordShredder(_context.PrimaryKey, _keyColumns, _context.Layout, _existingInOrder, _drafts);
            var accepted = new List<ShreddedRecord>(records.Count);
            foreach (var source in records)
            {
                if (!shredder.TryShred(source, out var record, out var table, out var reason, out var root))
                {
                    RejectRecord(source, table, reason, root);
                    continue;
                }

                record.RootTable = root;

                if (_upsert && KeyTypeMismatch(record) is { } mismatch)
                {
                    RejectRecord(source, root, mismatch, root);
                    continue;
                }

                accepted.Add(record);
            }

            return accepted;
        }

        /// <summary>Null when each key value has its column's type (the first record's, for a new column), else the rejection reason.</summary>
        private string? KeyTypeMismatch(ShreddedRecord record)
        {
            for (var k = 0; k < _keyColumns.Length; k++)
            {
                var type = record.KeyTypes is { } types ? types[k] : record.KeyType;
                _keyTypes[k] ??= type;
                if (type != _keyTypes[k])
                {
                    return RejectionReasons.PrimaryKeyTypeMismatch(_keyFields[k], _keyColumns[k], ColumnTypes.SqlName(type), ColumnTypes.SqlName(_keyTypes[k]!.Value));
                }
            }

            return null;
        }

        /// <summary>The key columns of a root table, or their <c>_sdc_source_key_*</c> copies in a subtable, with their types.</summary>
        private ColumnSpec[] KeySpecs(bool root) =>
            _keyColumns.Select((c, k) => new ColumnSpec(root ? c : SourceKeyColumn(c), _keyTypes[k] ?? ColumnType.Text)).ToArray();

        /// <summary>Keeps, per root table and key, only the record with the highest sequence (BEHAVIOUR.md §4.1), in sequence order.</summary>
        private static List<ShreddedRecord> NewestPerKey(List<ShreddedRecord> accepted)
        {
            var newest = new Dictionary<(string, object), ShreddedRecord>(accepted.Count);
            foreach (var record in accepted)
            {
                var key = (record.RootTable, record.Key!);
                if (!newest.TryGetValue(key, out var current) || record.Source.Sequence >= current.Source.Sequence)
                {
                    newest[key] = record;
                }
            }

            return accepted.Where(r => ReferenceEquals(newest[(r.RootTable, r.Key!)], r)).ToList();
        }

        /// <summary>Assigns each winner's rows to their tables, parents before children.</summary>
        private void Group(List<ShreddedRecord> winners)
        {
            var depths = new Dictionary<string, int>(ColumnNamer.Comparer);
            for (var r = 0; r < winners.Count; r++)
            {
                var record = winners[r];
                depths.Clear();
                RowDraft? conflict = null;
                foreach (var row in record.Rows)
                {
                    if (!DepthFits(row, depths))
                    {
                        conflict = row;
                        break;
                    }
                }

                if (conflict is not null)
                {
                    RejectRecord(record.Source, conflict.Table, RejectionReasons.FieldCollision(conflict.Table), record.RootTable);
                    continue;
                }

                foreach (var row in record.Rows)
                {
                    if (FindNode(row.Table) is not { } node)
                    {
                        var parent = row.ParentTable is null ? null : _tables[row.ParentTable].Name;
                        var name = _existing.TryGetValue(row.Table, out var existing) ? existing.Name : row.Table;

                        // Records of one source tend to look alike: room for as many rows per record as this one has.
                        var perRecord = RowsIn(record, row.Table);
                        node = new TableNode(name, row.SourceTableName, parent, row.Depth, Math.Min(perRecord * (winners.Count - r), 1 << 20))
                        {
                            Root = record.RootTable,
                        };
                        _tables.Add(name, node);
                        _tablesInOrder.Add(node);
                    }

                    node.Rows.Add(row);
                }
            }
        }

        private static int RowsIn(ShreddedRecord record, string table)
        {
            var count = 0;
            foreach (var row in record.Rows)
            {
                count += ReferenceEquals(row.Table, table) ? 1 : 0;
            }

            return count;
        }

        private bool DepthFits(RowDraft row, Dictionary<string, int> depths)
        {
            if (FindNode(row.Table) is { } node)
            {
                // Once a table has a node, its depth is the node's: what this record saw of it no longer matters.
                return node.Depth == row.Depth;
            }

            var expected = depths.TryGetValue(row.Table, out var seen) ? seen
                : _existing.TryGetValue(row.Table, out var existing) && row.Depth > 0 ? LevelCount(existing)
                : row.Depth;
            depths.TryAdd(row.Table, row.Depth);
            return expected == row.Depth;
        }

        /// <summary>
        /// The node of <paramref name="table"/>, if any. The shredder names every row of a table with the same string, so
        /// the nodes recently found by that very string answer first, before the case-insensitive dictionary.
        /// </summary>
        private TableNode? FindNode(string table)
        {
            foreach (var (name, known) in _recentNodes)
            {
                if (ReferenceEquals(name, table))
                {
                    return known;
                }
            }

            if (!_tables.TryGetValue(table, out var node))
            {
                return null;
            }

            if (_recentNodes.Count < 8)
            {
                _recentNodes.Add((table, node));
            }

            return node;
        }

        private static int LevelCount(TableSchema table) =>
            table.Columns.Count(c => c.Name.StartsWith("_sdc_level_", StringComparison.OrdinalIgnoreCase));

        private void PlanTable(TableNode node)
        {
            if (node.Parent is not null && _tables[node.Parent].Rejected)
            {
                node.Rejected = true;
                return;
            }

            if (node.Rows.Count == 0)
            {
                return;
            }

            var isRoot = node.Parent is null;
            var names = _shredder.Tables.Find(node.Name)!;
            var fixedColumns = new FixedColumns(KeySpecs(isRoot), node.Depth, _context.TableVersion);
            var keyPaths = isRoot && _upsert && !_keyColumns[0].StartsWith(Sources.SourceLayout.HeaderColumnPrefix, StringComparison.OrdinalIgnoreCase)
                ? _keyFields
                : null;
            var build = TableBuilder.Build(node.Name, _existing.GetValueOrDefault(node.Name), fixedColumns, KeyColumns(node), node.Rows, _batchedAt, names, keyPaths);
            _changes.AddRange(build.Changes);
            _mappings.AddRange(build.Mappings);
            _writes.Add(Write(node, build.WriteColumns, build.Rows));
            var stats = Stats(node.Name, node.SourceTableName, node.Root);
            foreach (var row in node.Rows)
            {
                stats.Loaded(row.Record.Source.Sequence, row.Record.ReceivedAtUtc);
            }
        }

        /// <summary>A subtable's copy of the root key: <c>_sdc_source_key_&lt;key&gt;</c>, shortened to 59 bytes when longer.</summary>
        private static string SourceKeyColumn(string keyColumn) => ColumnNamer.Fit(SourceKeyPrefix + keyColumn, ColumnNamer.MaxColumnNameBytes);

        private TableWrite Write(TableNode node, IReadOnlyList<ColumnSpec> columns, IReadOnlyList<object?[]> rows)
        {
            var parentKeys = node.Parent is null
                ? []
                : _keyColumns.Select(c => KeyValuePair.Create(SourceKeyColumn(c), c)).ToArray();
            return new TableWrite(
                node.Name,
                node.SourceTableName,
                node.Root,
                _upsert ? WriteMode.Upsert : WriteMode.Append,
                KeyColumns(node),
                parentKeys,
                columns,
                rows);
        }

        /// <summary>Upsert: the key (root) or the source key and level ids (subtables). Append-only tables have none.</summary>
        private IReadOnlyList<string> KeyColumns(TableNode node)
        {
            if (!_upsert)
            {
                return [];
            }

            if (node.Parent is null)
            {
                return _keyColumns;
            }

            var keys = new List<string>(_keyColumns.Length + node.Depth);
            keys.AddRange(_keyColumns.Select(SourceKeyColumn));
            for (var level = 0; level < node.Depth; level++)
            {
                keys.Add(FixedColumns.LevelColumn(level));
            }

            return keys;
        }

        /// <summary>
        /// A replaced root row replaces its subtable rows even when the new record has none there: the destination deletes
        /// them per winning key, so every existing subtable gets a write, rows or not.
        /// </summary>
        private void AddEmptySubtableWrites()
        {
            if (!_upsert)
            {
                return;
            }

            var roots = _writes.Where(w => w.IsRoot).Select(w => w.Table).ToList();
            foreach (var root in roots)
            {
                foreach (var table in _existingInOrder)
                {
                    var belongs = table.Mappings.Count > 0
                        ? ColumnNamer.Comparer.Equals(table.Mappings[0].RootTable, root) && !ColumnNamer.Comparer.Equals(table.Name, root)
                        : table.Name.StartsWith(root + "__", StringComparison.OrdinalIgnoreCase);
                    if (!belongs || _writes.Any(w => ColumnNamer.Comparer.Equals(w.Table, table.Name)))
                    {
                        continue;
                    }

                    var depth = LevelCount(table);
                    var node = new TableNode(table.Name, table.Name, root, depth) { Root = root };
                    var fixedNames = new FixedColumns(KeySpecs(root: false), depth, _context.TableVersion).Columns();
                    var columns = table.Columns.Where(c => fixedNames.Any(f => ColumnNamer.Comparer.Equals(f.Name, c.Name))).ToArray();
                    _writes.Add(Write(node, columns, []));
                }
            }
        }

        private void RejectRecord(BufferedRecord source, string table, string reason, string root)
        {
            _rejections.Add(Rejection(source, table, reason));
            Stats(root, root, root).Rejected();
        }

        private RejectedRecord Rejection(BufferedRecord source, string table, string reason) =>
            new(_batchedAt, table, reason, RejectedRecordText.Truncate(source.Json));

        private TableStatsBuilder Stats(string table, string sourceTableName, string root)
        {
            if (!_stats.TryGetValue(table, out var stats))
            {
                stats = new TableStatsBuilder(table, sourceTableName, root, _context.TableVersion, _context.NewVersion);
                _stats.Add(table, stats);
                _statsInOrder.Add(stats);
            }

            return stats;
        }
    }
}
