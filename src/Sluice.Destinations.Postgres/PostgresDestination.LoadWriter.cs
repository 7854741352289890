using Npgsql;
using NpgsqlTypes;
using Sluice.Core.Loading;
using Sluice.Core.Tables;
using static Sluice.Core.Loading.LoadSql;

namespace Sluice.Destinations.Postgres;

/// <summary>The load writer: a load's parts applied in its transaction (reload, schema changes, binary COPY, staged upserts, rejections, checkpoint and load summary).</summary>
public sealed partial class PostgresDestination
{
    /// <summary>
    /// The start of a reload inside the load's transaction (<see cref="LoadRequest.Reload"/>): the schema's data tables dropped,
    /// its mappings cleared, the superseded rejections deleted (returns how many) and the new table version stored. Queries of
    /// the old tables wait for the commit (the drop's lock) and then see the new ones: never a half-built table.
    /// </summary>
    private static async Task<long> StartReloadAsync(NpgsqlConnection connection, LoadRequest load, LoadReload reload, CancellationToken ct)
    {
        var schema = load.Schema;
        await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {Quote(schema)}", ct).ConfigureAwait(false);
        await ExecuteAsync(connection, CreateRejectedTable(schema, PostgresTypes.Name), ct).ConfigureAwait(false);
        await ExecuteAsync(connection, CreateColumnsTable(schema, PostgresTypes.Name), ct).ConfigureAwait(false);
        long superseded;
        await using (var delete = new NpgsqlCommand(SupersedeRejections(schema, load.SourceId, reload), connection))
        {
            superseded = await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var tables = await ReadTablesAsync(connection, schema, ct).ConfigureAwait(false);
        foreach (var statement in ReloadStatements(schema, load.SourceId, tables.Keys, reload))
        {
            await ExecuteAsync(connection, statement, ct).ConfigureAwait(false);
        }

        return superseded;
    }

    /// <summary>Applies one part of a load inside the open transaction (all but checkpoint and summary); returns the schema's tables.</summary>
    /// <param name="tables">The schema's tables as the load's first part left them (later parts change no schema); null for the first part.</param>
    /// <param name="copy">The load's COPY into a table, kept open from part to part while only appends to it follow.</param>
    private static async Task<Dictionary<string, TableSchema>> ApplyPartAsync(
        NpgsqlConnection connection, OpenCopy copy, LoadRequest load, Dictionary<string, TableSchema>? tables, CancellationToken ct)
    {
        var schema = load.Schema;
        if (tables is not null)
        {
            if (load.Mappings.Count > 0)
            {
                await copy.CompleteAsync(ct).ConfigureAwait(false);
                await InsertMappingsAsync(connection, load, ct).ConfigureAwait(false);
                tables = await ReadTablesAsync(connection, schema, ct).ConfigureAwait(false);
            }

            await WritePartAsync(connection, copy, load, tables, ct).ConfigureAwait(false);
            return tables;
        }

        // What an earlier part of this load still streams goes in before DDL (a later part of a reload).
        await copy.CompleteAsync(ct).ConfigureAwait(false);
        await using (var check = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = $1) > 0, to_regclass($2) IS NOT NULL, to_regclass($3) IS NOT NULL", connection))
        {
            check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
            check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Table(schema, RejectedTable) });
            check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Table(schema, ColumnsTable) });
            await using var reader = await check.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            var (schemaExists, rejectedExists) = (reader.GetBoolean(0), !reader.IsDBNull(1) && reader.GetBoolean(1));
            var columnsExists = !reader.IsDBNull(2) && reader.GetBoolean(2);
            await reader.CloseAsync().ConfigureAwait(false);
            if (!schemaExists)
            {
                await ExecuteAsync(connection, $"CREATE SCHEMA {Quote(schema)}", ct).ConfigureAwait(false);
            }

            if (!rejectedExists)
            {
                await ExecuteAsync(connection, CreateRejectedTable(schema, PostgresTypes.Name), ct).ConfigureAwait(false);
            }

            if (!columnsExists)
            {
                await ExecuteAsync(connection, CreateColumnsTable(schema, PostgresTypes.Name), ct).ConfigureAwait(false);
            }
        }

        foreach (var change in load.SchemaChanges)
        {
            await ExecuteAsync(connection, change switch
            {
                CreateTable create => LoadSql.CreateTable(schema, create, PostgresTypes.Name, namedConstraint: true),
                AddColumn add => LoadSql.AddColumn(schema, add, PostgresTypes.Name),
                RenameColumn rename => LoadSql.RenameColumn(schema, rename) + "; " + RenameMapping(schema, rename),
                _ => throw new InvalidOperationException($"Unknown schema change {change.GetType().Name}."),
            }, ct).ConfigureAwait(false);
        }

        await InsertMappingsAsync(connection, load, ct).ConfigureAwait(false);
        tables = await ReadTablesAsync(connection, schema, ct).ConfigureAwait(false);
        await WritePartAsync(connection, copy, load, tables, ct).ConfigureAwait(false);
        return tables;
    }

    /// <summary>The part's new <c>_sluice_columns</c> rows, by binary COPY.</summary>
    private static async Task InsertMappingsAsync(NpgsqlConnection connection, LoadRequest load, CancellationToken ct)
    {
        var schema = load.Schema;
        if (load.Mappings.Count == 0)
        {
            return;
        }

        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {Table(schema, ColumnsTable)} ({ColumnList(ColumnsTableColumns)}) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        var seenAt = PostgresTypes.Unspecified(load.Summary.BatchedAt);
        foreach (var mapping in load.Mappings)
        {
            await importer.StartRowAsync(ct).ConfigureAwait(false);
            importer.Write(mapping.Table, NpgsqlDbType.Text);
            importer.Write(mapping.Column, NpgsqlDbType.Text);
            WriteNullable(importer, mapping.JsonPath);
            importer.Write(Sluice.Core.Normalization.ColumnTypes.MappingName(mapping.Type), NpgsqlDbType.Text);
            importer.Write(seenAt, NpgsqlDbType.Timestamp);
            importer.Write(mapping.RootTable, NpgsqlDbType.Text);
            WriteNullable(importer, mapping.TablePath);
        }

        await importer.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, string? text)
    {
        if (text is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(text, NpgsqlDbType.Text);
        }
    }

    private static async Task WritePartAsync(NpgsqlConnection connection, OpenCopy copy, LoadRequest load, Dictionary<string, TableSchema> tables, CancellationToken ct)
    {
        var schema = load.Schema;
        var losingRoots = new Dictionary<string, int>(StringComparer.Ordinal);
        var stages = new List<string>();
        foreach (var step in PlanWrites(schema, tables, load.Writes))
        {
            if (step is not BulkAppendStep and not SubtableInsertStep)
            {
                // One statement at a time on a connection: the COPY ends before anything else runs.
                await copy.CompleteAsync(ct).ConfigureAwait(false);
            }

            switch (step)
            {
                case BulkAppendStep append:
                    await copy.WriteAsync(Table(append.Schema, append.Table.Name), append.Write, ct).ConfigureAwait(false);
                    break;
                case StageStep stage:
                    await StageAsync(connection, stage.Stage, stage.Write, ct).ConfigureAwait(false);
                    stages.Add(stage.Stage);
                    break;
                case DropLosingRootsStep drop:
                    losingRoots[drop.RootStage] = await ExecuteAsync(connection, drop.Sql, ct).ConfigureAwait(false);
                    break;
                case SubtableInsertStep subtable when losingRoots.TryGetValue(subtable.RootStage, out var lost) && lost == 0:
                    await copy.WriteAsync(Table(subtable.Schema, subtable.Table.Name), subtable.Write, ct).ConfigureAwait(false);
                    break;
                case SubtableInsertStep subtable:
                    await copy.CompleteAsync(ct).ConfigureAwait(false);
                    await StageAsync(connection, subtable.Stage, subtable.Write, ct).ConfigureAwait(false);
                    stages.Add(subtable.Stage);
                    await ExecuteAsync(connection, subtable.InsertSql, ct).ConfigureAwait(false);
                    break;
                case SqlStep sql:
                    await ExecuteAsync(connection, sql.Sql, ct).ConfigureAwait(false);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown write step {step.GetType().Name}.");
            }
        }

        if (load.Rejections.Count > 0)
        {
            await copy.CompleteAsync(ct).ConfigureAwait(false);
            await using var importer = await connection.BeginBinaryImportAsync(
                $"COPY {Table(schema, RejectedTable)} (\"_sdc_rejected_at\", \"table_name\", \"reason\", \"record\") FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
            foreach (var rejection in load.Rejections)
            {
                await importer.StartRowAsync(ct).ConfigureAwait(false);
                importer.Write(PostgresTypes.Unspecified(rejection.RejectedAt), NpgsqlDbType.Timestamp);
                importer.Write(rejection.TableName, NpgsqlDbType.Text);
                importer.Write(rejection.Reason, NpgsqlDbType.Text);
                importer.Write(rejection.Record, NpgsqlDbType.Text);
            }

            await importer.CompleteAsync(ct).ConfigureAwait(false);
        }

        // The next part of the load stages under the same names (the tables would otherwise go at commit).
        if (stages.Count > 0)
        {
            await copy.CompleteAsync(ct).ConfigureAwait(false);
            await ExecuteAsync(connection, "DROP TABLE " + string.Join(", ", stages.Select(Quote)), ct).ConfigureAwait(false);
        }
    }

    /// <summary>The end of a load inside its transaction: the source's checkpoint and the load's <c>_sluice_loads</c> row.</summary>
    private static async Task FinishAsync(NpgsqlConnection connection, AppliedLoad load, CancellationToken ct)
    {
        var (sourceId, checkpointSequence, summary) = (load.SourceId, load.Checkpoint, load.Summary);
        if (load.AfterCheckpoint is { } expected)
        {
            // The fence: lock the source's checkpoint row (or find none) and check it is still the one this load started after.
            await using var current = new NpgsqlCommand($"SELECT sequence FROM {Table(BookkeepingSchema, CheckpointsTable)} WHERE source_id = $1 FOR UPDATE", connection);
            current.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sourceId });
            var stored = await current.ExecuteScalarAsync(ct).ConfigureAwait(false) is long value ? value : 0L;
            if (stored != expected)
            {
                throw new CheckpointMovedException(sourceId, expected, stored);
            }
        }

        await using (var checkpoint = new NpgsqlCommand(
            $"INSERT INTO {Table(BookkeepingSchema, CheckpointsTable)} (source_id, sequence) VALUES ($1, $2) " +
            "ON CONFLICT (source_id) DO UPDATE SET sequence = excluded.sequence",
            connection))
        {
            checkpoint.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sourceId });
            checkpoint.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpointSequence });
            await checkpoint.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await using var row = new NpgsqlCommand(
            $"INSERT INTO {Table(BookkeepingSchema, LoadsTable)} VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)", connection);
        row.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = summary.LoadId });
        row.Parameters.Add(new NpgsqlParameter<long> { TypedValue = summary.SourceId });
        row.Parameters.Add(new NpgsqlParameter<string> { TypedValue = summary.Schema });
        row.Parameters.Add(new NpgsqlParameter { Value = PostgresTypes.Unspecified(summary.BatchedAt), NpgsqlDbType = NpgsqlDbType.Timestamp });
        row.Parameters.Add(new NpgsqlParameter<long> { TypedValue = summary.MinSequence });
        row.Parameters.Add(new NpgsqlParameter<long> { TypedValue = summary.MaxSequence });
        row.Parameters.Add(new NpgsqlParameter { Value = PostgresTypes.Unspecified(summary.MaxReceivedAt), NpgsqlDbType = NpgsqlDbType.Timestamp });
        row.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LoadSummaryJson.Serialize(summary.Tables) });
        await row.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A load's binary COPY into one table, open from one part to the next while the parts only append to that table with
    /// the same columns (a backlog of append-only parts goes in as one COPY, as a bulk load would); completed before any
    /// other statement, another table or other columns, and before the load's bookkeeping. Disposed without completing, it
    /// cancels: its rows go with the rollback.
    /// </summary>
    private sealed class OpenCopy(NpgsqlConnection connection) : IAsyncDisposable
    {
        private NpgsqlBinaryImporter? _importer;
        private string? _command;

        public async Task WriteAsync(string target, TableWrite write, CancellationToken ct)
        {
            var command = $"COPY {target} ({ColumnList(write.Columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)";
            if (_importer is null || _command != command)
            {
                await CompleteAsync(ct).ConfigureAwait(false);
                _importer = await connection.BeginBinaryImportAsync(command, ct).ConfigureAwait(false);
                _command = command;
            }

            foreach (var values in write.Rows)
            {
                TableWriteCheck.RowWidth(write, values);
                await _importer.StartRowAsync(ct).ConfigureAwait(false);
                for (var i = 0; i < values.Length; i++)
                {
                    PostgresTypes.Write(_importer, write.Columns[i].Type, values[i], write.Table, write.Columns[i].Name);
                }
            }
        }

        public async Task CompleteAsync(CancellationToken ct)
        {
            if (_importer is not { } importer)
            {
                return;
            }

            (_importer, _command) = (null, null);
            try
            {
                await importer.CompleteAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                await importer.DisposeAsync().ConfigureAwait(false);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_importer is { } importer)
            {
                _importer = null;
                await importer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task StageAsync(NpgsqlConnection connection, string stage, TableWrite write, CancellationToken ct)
    {
        await ExecuteAsync(
            connection,
            $"CREATE TEMP TABLE {Quote(stage)} ({string.Join(", ", write.Columns.Select(c => Quote(c.Name) + " " + PostgresTypes.Name(c.Type)))}) ON COMMIT DROP",
            ct).ConfigureAwait(false);
        await using var copy = new OpenCopy(connection);
        await copy.WriteAsync(Quote(stage), write, ct).ConfigureAwait(false);
        await copy.CompleteAsync(ct).ConfigureAwait(false);
    }
}
