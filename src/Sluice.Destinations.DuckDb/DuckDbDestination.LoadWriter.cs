using DuckDB.NET.Data;
using Sluice.Core.Loading;
using Sluice.Core.Tables;
using static Sluice.Core.Loading.LoadSql;

namespace Sluice.Destinations.DuckDb;

/// <summary>The load writer: a load's parts applied in its transaction (reload, schema changes, appends, staged upserts, rejections, checkpoint and load summary).</summary>
public sealed partial class DuckDbDestination
{
    /// <summary>
    /// The start of a reload inside the load's transaction (<see cref="LoadRequest.Reload"/>): the schema's data tables dropped,
    /// its mappings cleared, the superseded rejections deleted (returns how many) and the new table version stored. Readers
    /// keep seeing the old tables until the commit.
    /// </summary>
    private static long StartReload(DuckDBConnection connection, OpenAppenders appenders, LoadRequest load, LoadReload reload)
    {
        appenders.CloseAll();
        var schema = load.Schema;
        Execute(connection, $"CREATE SCHEMA IF NOT EXISTS {Quote(schema)}");
        Execute(connection, CreateRejectedTable(schema, DuckDbTypes.Name));
        Execute(connection, CreateColumnsTable(schema, DuckDbTypes.Name));
        var superseded = (long)ExecuteCount(connection, SupersedeRejections(schema, load.SourceId, reload));
        foreach (var statement in ReloadStatements(schema, load.SourceId, ReadTables(connection, schema).Keys, reload))
        {
            Execute(connection, statement);
        }

        return superseded;
    }

    /// <summary>Applies one part of a load inside the open transaction (all but checkpoint and summary); returns the schema's tables as they are now.</summary>
    /// <param name="known">The schema's tables, when known to be current (no schema changes in this part); else read after the changes.</param>
    /// <param name="firstPart">Whether this is the load's first part, which makes sure the schema and its <c>_sdc_rejected</c> exist.</param>
    /// <param name="appenders">The load's appenders into its tables, kept open from part to part while only appends follow.</param>
    private static Dictionary<string, TableSchema> ApplyPart(
        DuckDBConnection connection, OpenAppenders appenders, LoadRequest load, Dictionary<string, TableSchema>? known, bool firstPart, CancellationToken cancellationToken)
    {
        var schema = load.Schema;
        if (!firstPart && load.SchemaChanges.Count > 0)
        {
            // A later part of a reload that adds tables or columns: DDL goes after what the appenders hold.
            appenders.CloseAll();
        }

        if (firstPart)
        {
            Execute(connection, $"CREATE SCHEMA IF NOT EXISTS {Quote(schema)}");
            Execute(connection, CreateRejectedTable(schema, DuckDbTypes.Name));
            Execute(connection, CreateColumnsTable(schema, DuckDbTypes.Name));
        }

        foreach (var change in load.SchemaChanges)
        {
            Execute(connection, change switch
            {
                CreateTable create => LoadSql.CreateTable(schema, WithoutSubtableKey(create), DuckDbTypes.Name, namedConstraint: false),
                AddColumn add => LoadSql.AddColumn(schema, add, DuckDbTypes.Name),
                RenameColumn rename => LoadSql.RenameColumn(schema, rename),
                _ => throw new InvalidOperationException($"Unknown schema change {change.GetType().Name}."),
            });
            if (change is RenameColumn renamed)
            {
                Execute(connection, RenameMapping(schema, renamed));
            }
        }

        if (load.Mappings.Count > 0)
        {
            var mappings = appenders.For(schema, ColumnsTable, load.Mappings.Count);
            var seenAt = (DateTime?)DateTime.SpecifyKind(load.Summary.BatchedAt, DateTimeKind.Unspecified);
            foreach (var mapping in load.Mappings)
            {
                mappings.CreateRow()
                    .AppendValue(mapping.Table)
                    .AppendValue(mapping.Column)
                    .AppendValue(mapping.JsonPath)
                    .AppendValue(Sluice.Core.Normalization.ColumnTypes.MappingName(mapping.Type))
                    .AppendValue(seenAt)
                    .AppendValue(mapping.RootTable)
                    .AppendValue(mapping.TablePath)
                    .EndRow();
            }

            appenders.CloseAll();
        }

        var tables = known ?? ReadTables(connection, schema);
        var steps = PlanWrites(schema, tables, load.Writes);
        var stages = new List<string>();
        var losingRoots = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (step is not BulkAppendStep and not SubtableInsertStep)
            {
                // Statements see only what the appenders have flushed.
                appenders.CloseAll();
            }

            switch (step)
            {
                case BulkAppendStep append:
                    AppendInto(appenders.For(append.Schema, append.Table.Name, append.Write.Rows.Count), append.Table, append.Write);
                    break;
                case StageStep stage:
                    Stage(connection, stage.Stage, stage.Write);
                    stages.Add(stage.Stage);
                    break;
                case DropLosingRootsStep drop:
                    losingRoots[drop.RootStage] = ExecuteCount(connection, drop.Sql);
                    break;
                case SubtableInsertStep subtable when losingRoots.TryGetValue(subtable.RootStage, out var lost) && lost == 0:
                    AppendInto(appenders.For(subtable.Schema, subtable.Table.Name, subtable.Write.Rows.Count), subtable.Table, subtable.Write);
                    break;
                case SubtableInsertStep subtable:
                    appenders.CloseAll();
                    Stage(connection, subtable.Stage, subtable.Write);
                    stages.Add(subtable.Stage);
                    Execute(connection, subtable.InsertSql);
                    break;
                case SqlStep sql:
                    Execute(connection, sql.Sql);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown write step {step.GetType().Name}.");
            }
        }

        if (load.Rejections.Count > 0)
        {
            var appender = appenders.For(schema, RejectedTable, load.Rejections.Count);
            foreach (var rejection in load.Rejections)
            {
                appender.CreateRow()
                    .AppendValue((DateTime?)DateTime.SpecifyKind(rejection.RejectedAt, DateTimeKind.Unspecified))
                    .AppendValue(rejection.TableName)
                    .AppendValue(rejection.Reason)
                    .AppendValue(rejection.Record)
                    .EndRow();
            }
        }

        if (stages.Count > 0)
        {
            appenders.CloseAll();
        }

        foreach (var stage in stages)
        {
            Execute(connection, $"DROP TABLE temp.main.{Quote(stage)}");
        }

        return tables;
    }

    /// <summary>The end of a load inside its transaction: the source's checkpoint and the load's <c>_sluice_loads</c> row.</summary>
    private static void Finish(DuckDBConnection connection, AppliedLoad load)
    {
        var (sourceId, checkpointSequence, summary) = (load.SourceId, load.Checkpoint, load.Summary);
        if (load.AfterCheckpoint is { } expected)
        {
            // The fence: the checkpoint must still be the one this load started after (one writer per file, in this transaction).
            using var current = Command(connection, $"SELECT sequence FROM {Table(BookkeepingSchema, CheckpointsTable)} WHERE source_id = $source_id");
            current.Parameters.Add(new DuckDBParameter("source_id", sourceId));
            var stored = current.ExecuteScalar() is long value ? value : 0L;
            if (stored != expected)
            {
                throw new CheckpointMovedException(sourceId, expected, stored);
            }
        }

        using (var checkpoint = Command(
            connection,
            $"INSERT INTO {Table(BookkeepingSchema, CheckpointsTable)} (source_id, sequence) VALUES ($source_id, $sequence) " +
            "ON CONFLICT (source_id) DO UPDATE SET sequence = excluded.sequence"))
        {
            checkpoint.Parameters.Add(new DuckDBParameter("source_id", sourceId));
            checkpoint.Parameters.Add(new DuckDBParameter("sequence", checkpointSequence));
            checkpoint.ExecuteNonQuery();
        }

        using (var row = Command(
            connection,
            $"INSERT INTO {Table(BookkeepingSchema, LoadsTable)} VALUES (CAST($load_id AS UUID), $source_id, $schema, $batched_at, " +
            "$min_sequence, $max_sequence, $max_received_at, CAST($tables AS JSON))"))
        {
            row.Parameters.Add(new DuckDBParameter("load_id", summary.LoadId.ToString()));
            row.Parameters.Add(new DuckDBParameter("source_id", summary.SourceId));
            row.Parameters.Add(new DuckDBParameter("schema", summary.Schema));
            row.Parameters.Add(new DuckDBParameter("batched_at", DateTime.SpecifyKind(summary.BatchedAt, DateTimeKind.Unspecified)));
            row.Parameters.Add(new DuckDBParameter("min_sequence", summary.MinSequence));
            row.Parameters.Add(new DuckDBParameter("max_sequence", summary.MaxSequence));
            row.Parameters.Add(new DuckDBParameter("max_received_at", DateTime.SpecifyKind(summary.MaxReceivedAt, DateTimeKind.Unspecified)));
            row.Parameters.Add(new DuckDBParameter("tables", LoadSummaryJson.Serialize(summary.Tables)));
            row.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Subtables (keyed by <c>_sdc_source_key_*</c> and level ids) are created without a PRIMARY KEY constraint in DuckDB.
    /// The upsert keeps those keys unique itself (a winning root's subtable rows are deleted before its new ones go in), and
    /// DuckDB would maintain a composite ART index over the largest tables of a source on every append, held in memory:
    /// nested loads spent about half their subtable append time on it. Root tables keep their key constraint.
    /// </summary>
    private static CreateTable WithoutSubtableKey(CreateTable create) =>
        create.PrimaryKey.Any(k => k.StartsWith(LoadSql.SourceKeyPrefix, StringComparison.Ordinal)) ? create with { PrimaryKey = [] } : create;

    /// <summary>Append-only writes skip staging: the appender fills every table column, NULL where the write has none.</summary>
    private static void AppendInto(DuckDBAppender appender, TableSchema table, TableWrite write)
    {
        var sources = table.Columns.Select(c => IndexOf(write.Columns, c.Name)).ToArray();
        foreach (var values in write.Rows)
        {
            TableWriteCheck.RowWidth(write, values);
            var row = appender.CreateRow();
            for (var i = 0; i < sources.Length; i++)
            {
                var source = sources[i];
                DuckDbTypes.Append(row, table.Columns[i].Type, source < 0 ? null : values[source], table.Name, table.Columns[i].Name);
            }

            row.EndRow();
        }
    }

    /// <summary>
    /// A load's appenders, one per table, open from one part to the next while the parts only append (a backlog of
    /// append-only parts writes each table through one appender, as one bulk append would); closed, so that their rows are
    /// flushed, before any other statement and before the load's bookkeeping.
    /// </summary>
    private sealed class OpenAppenders(DuckDBConnection connection)
    {
        /// <summary>
        /// An appender holds its rows (uncompressed) until it flushes them into the table, by itself only every ~200,000
        /// rows: closing it every this many keeps a load's memory flat (1,000,000 flat events peaked 60-120 MB higher
        /// without it), while several parts still share an appender. Measured on 1M flat events: an appender per part
        /// (2,500 rows) 5.7-6.8 s of DuckDB time, every 20,480 rows 4.0 s, every 122,880 rows 4.2 s, never 4.6-4.7 s.
        /// </summary>
        private const int RowsPerAppender = 20_480;

        private readonly Dictionary<(string Schema, string Table), (DuckDBAppender Appender, int Rows)> _open = [];

        /// <summary>The appender into <paramref name="schema"/>.<paramref name="table"/> for the next <paramref name="rows"/> rows.</summary>
        public DuckDBAppender For(string schema, string table, int rows = 0)
        {
            if (_open.TryGetValue((schema, table), out var open) && open.Rows >= RowsPerAppender)
            {
                _open.Remove((schema, table));
                open.Appender.Close();
                open = default;
            }

            var appender = open.Appender ?? connection.CreateAppender(null, schema, table);
            _open[(schema, table)] = (appender, open.Rows + rows);
            return appender;
        }

        /// <summary>Flushes and closes every appender; a failing flush (e.g. a constraint) fails the load.</summary>
        public void CloseAll()
        {
            try
            {
                foreach (var (appender, _) in _open.Values)
                {
                    appender.Close();
                }
            }
            finally
            {
                Discard();
            }
        }

        /// <summary>Lets go of every appender without flushing what it still holds (the load is rolled back).</summary>
        public void Discard()
        {
            foreach (var (appender, _) in _open.Values)
            {
                try
                {
                    appender.Dispose();
                }
                catch (DuckDBException)
                {
                    // Its rows go with the rollback.
                }
            }

            _open.Clear();
        }
    }

    private static void Stage(DuckDBConnection connection, string stage, TableWrite write)
    {
        Execute(connection, $"CREATE OR REPLACE TEMP TABLE {Quote(stage)} ({string.Join(", ", write.Columns.Select(c => Quote(c.Name) + " " + DuckDbTypes.Name(c.Type)))})");
        using var appender = connection.CreateAppender("temp", "main", stage);
        foreach (var values in write.Rows)
        {
            TableWriteCheck.RowWidth(write, values);
            var row = appender.CreateRow();
            for (var i = 0; i < write.Columns.Count; i++)
            {
                DuckDbTypes.Append(row, write.Columns[i].Type, values[i], write.Table, write.Columns[i].Name);
            }

            row.EndRow();
        }
    }
}
