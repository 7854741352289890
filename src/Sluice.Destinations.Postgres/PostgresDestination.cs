using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Sluice.Core.Loading;
using Sluice.Core.Tables;
using static Sluice.Core.Loading.LoadSql;

namespace Sluice.Destinations.Postgres;

/// <summary>
/// A user's PostgreSQL database as the warehouse. Each load is one transaction: append-only writes go by binary COPY straight
/// into their table; keyed writes go by binary COPY into a TEMP table (ON COMMIT DROP) and then through
/// <see cref="LoadSql"/>'s upsert statements. Keyed tables get the constraint <c>&lt;table&gt;_pkey</c> with NOT NULL key columns.
/// Failures surface as <see cref="DestinationException"/> with a message that names the cause.
/// </summary>
public sealed class PostgresDestination : IDestination, IQueryableDestination
{
    private readonly PostgresConnectionSettings _settings;
    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _bookkeepingGate = new(1, 1);
    private volatile bool _bookkeepingReady;

    public PostgresDestination(PostgresConnectionSettings settings, TimeSpan? queryTimeout = null)
    {
        _settings = settings;
        QueryTimeout = queryTimeout ?? TimeSpan.FromSeconds(30);
        _dataSource = NpgsqlDataSource.Create(settings.ConnectionString());
    }

    public TimeSpan QueryTimeout { get; }

    /// <summary>Connects and runs a trivial query; the outcome carries the exact, classified error when it fails.</summary>
    public static async Task<ConnectionTestResult> TestConnectionAsync(PostgresConnectionSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(settings.ConnectionString(pooling: false));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT version()", connection);
            var version = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return new ConnectionTestResult(true, $"Connected to {settings.Where}: {version}", null);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var classified = PostgresErrors.Classify(error, settings);
            return new ConnectionTestResult(false, classified.Message, classified.Kind);
        }
    }

    /// <summary>The one-row table naming the account whose destination this database is (<see cref="ClaimAsync"/>).</summary>
    public const string OwnerTable = "_sluice_owner";

    /// <summary>
    /// What a refused claim says, for whoever tries to use the database (saving it, or the loader): which database, and why;
    /// not which account owns it, which is none of the caller's business.
    /// </summary>
    public static string ClaimedByAnother(PostgresConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return $"database \"{settings.Database}\" at {settings.Host}:{settings.Port} is another Sluice account's destination " +
            "(its _sluice._sluice_owner table says so)";
    }

    /// <summary>
    /// Claims the database for account <paramref name="clientId"/> in <c>_sluice._sluice_owner</c> unless another account
    /// claimed it first, so that two accounts never load into (and read each other's tables and loads in) one database.
    /// Returns the owning account: <paramref name="clientId"/> when the claim is (or was already) its own. A database that
    /// refuses the claim (e.g. no right to create the <c>_sluice</c> schema) throws the classified <see cref="DestinationException"/>.
    /// </summary>
    public static async Task<long> ClaimAsync(PostgresConnectionSettings settings, long clientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var owner = Table(BookkeepingSchema, OwnerTable);
        try
        {
            return await WriteClaimAsync(settings, clientId, owner, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not (OperationCanceledException or DestinationException))
        {
            throw PostgresErrors.Classify(error, settings);
        }
    }

    private static async Task<long> WriteClaimAsync(PostgresConnectionSettings settings, long clientId, string owner, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(settings.ConnectionString(pooling: false));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"CREATE SCHEMA IF NOT EXISTS {Quote(BookkeepingSchema)}; " +
            $"CREATE TABLE IF NOT EXISTS {owner} (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), client_id bigint NOT NULL, " +
            "claimed_at timestamptz NOT NULL DEFAULT now()); " +
            string.Create(CultureInfo.InvariantCulture, $"INSERT INTO {owner} (client_id) VALUES ({clientId}) ON CONFLICT (only_row) DO NOTHING; ") +
            $"SELECT client_id FROM {owner}",
            connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public Task<long> GetCheckpointAsync(long sourceId, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT sequence FROM {Table(BookkeepingSchema, CheckpointsTable)} WHERE source_id = $1", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sourceId });
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long sequence ? sequence : 0L;
        }, cancellationToken);

    public Task<long> GetTableVersionAsync(long sourceId, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(SelectTableVersion(sourceId), connection);
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long version ? version : 0L;
        }, cancellationToken);

    public Task<IReadOnlyList<TableSchema>> GetTablesAsync(string schema, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
            (IReadOnlyList<TableSchema>)(await ReadTablesAsync(connection, schema, ct).ConfigureAwait(false)).Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToList(),
            cancellationToken);

    public Task CommitLoadAsync(LoadRequest load, CancellationToken cancellationToken) => CommitLoadAsync(LoadParts.Of(load), cancellationToken);

    public Task<LoadSummary> CommitLoadAsync(IAsyncEnumerable<LoadRequest> parts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return RunAsync(async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var copy = new OpenCopy(connection);
            Dictionary<string, TableSchema>? tables = null;
            var superseded = 0L;
            var load = await LoadParts.ApplyAsync(
                parts,
                async (part, first) =>
                {
                    if (part.Reload is { } reload)
                    {
                        superseded = await StartReloadAsync(connection, part, reload, ct).ConfigureAwait(false);
                    }

                    // A later part of a reload may add tables and columns: it goes the first part's way.
                    tables = await ApplyPartAsync(connection, copy, part, first || part.SchemaChanges.Count > 0 ? null : tables, ct).ConfigureAwait(false);
                },
                ct).ConfigureAwait(false);
            await copy.CompleteAsync(ct).ConfigureAwait(false);
            await FinishAsync(connection, load, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return load.Summary with { SupersededRejections = superseded };
        }, cancellationToken);
    }

    public Task<IReadOnlyList<LoadSummary>> GetLoadsAsync(long? sourceId, DateTime after, int limit, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT load_id, source_id, \"schema\", batched_at, min_sequence, max_sequence, max_received_at, tables::text " +
                $"FROM {Table(BookkeepingSchema, LoadsTable)} WHERE batched_at > $1 AND ($2::bigint IS NULL OR source_id = $2) " +
                "ORDER BY batched_at, load_id LIMIT $3",
                connection);
            command.Parameters.Add(new NpgsqlParameter { Value = PostgresTypes.Unspecified(after), NpgsqlDbType = NpgsqlDbType.Timestamp });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)sourceId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var loads = new List<LoadSummary>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                loads.Add(new LoadSummary(
                    reader.GetGuid(0),
                    reader.GetInt64(1),
                    reader.GetString(2),
                    DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc),
                    reader.GetInt64(4),
                    reader.GetInt64(5),
                    DateTime.SpecifyKind(reader.GetDateTime(6), DateTimeKind.Utc),
                    LoadSummaryJson.Deserialize(reader.GetString(7))));
            }

            return (IReadOnlyList<LoadSummary>)loads;
        }, cancellationToken);

    public async Task<QueryResult> QueryAsync(string sql, int maxRows, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await PostgresQueryRunner.RunAsync(connection, sql, maxRows, QueryTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException and not DestinationException)
        {
            throw Classify(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _bookkeepingGate.Dispose();
    }

    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await EnsureBookkeepingAsync(connection, cancellationToken).ConfigureAwait(false);
            return await work(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException and not DestinationException)
        {
            throw Classify(error);
        }
    }

    private DestinationException Classify(Exception error)
    {
        var classified = PostgresErrors.Classify(error, _settings);
        if (classified.Kind == DestinationErrorKind.Unreachable)
        {
            // Pooled connections of a server that went away are dead; the next attempt should dial afresh.
            _dataSource.Clear();
        }

        return classified;
    }

    /// <summary>Creates <c>_sluice</c> and its tables once per process; checks first, so a user without CREATE rights can load once they exist.</summary>
    private async Task EnsureBookkeepingAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (_bookkeepingReady)
        {
            return;
        }

        await _bookkeepingGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_bookkeepingReady)
            {
                return;
            }

            await using (var check = new NpgsqlCommand(
                $"SELECT to_regclass('{Table(BookkeepingSchema, CheckpointsTable)}') IS NOT NULL AND to_regclass('{Table(BookkeepingSchema, LoadsTable)}') IS NOT NULL " +
                $"AND to_regclass('{Table(BookkeepingSchema, VersionsTable)}') IS NOT NULL",
                connection))
            {
                if (await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                {
                    _bookkeepingReady = true;
                    return;
                }
            }

            await using var create = new NpgsqlCommand(
                $"CREATE SCHEMA IF NOT EXISTS {Quote(BookkeepingSchema)}; " +
                $"CREATE TABLE IF NOT EXISTS {Table(BookkeepingSchema, CheckpointsTable)} (source_id bigint PRIMARY KEY, sequence bigint NOT NULL); " +
                $"CREATE TABLE IF NOT EXISTS {Table(BookkeepingSchema, LoadsTable)} (load_id uuid PRIMARY KEY, source_id bigint NOT NULL, " +
                "\"schema\" text NOT NULL, batched_at timestamp NOT NULL, min_sequence bigint NOT NULL, max_sequence bigint NOT NULL, " +
                "max_received_at timestamp NOT NULL, tables jsonb NOT NULL); " +
                $"CREATE INDEX IF NOT EXISTS \"_sluice_loads_batched_at\" ON {Table(BookkeepingSchema, LoadsTable)} (batched_at); " +
                CreateVersionsTable(),
                connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _bookkeepingReady = true;
        }
        finally
        {
            _bookkeepingGate.Release();
        }
    }

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

    private static async Task<Dictionary<string, TableSchema>> ReadTablesAsync(NpgsqlConnection connection, string schema, CancellationToken ct)
    {
        var columns = new Dictionary<string, List<ColumnSpec>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_class c " +
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid " +
            "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> $2 AND c.relname <> $3 " +
            "ORDER BY c.relname, a.attnum",
            connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = RejectedTable });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ColumnsTable });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var table = reader.GetString(0);
                if (!columns.TryGetValue(table, out var list))
                {
                    columns[table] = list = [];
                }

                list.Add(new ColumnSpec(reader.GetString(1), PostgresTypes.FromName(reader.GetString(2))));
            }
        }

        var keys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            "SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid " +
            "JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) " +
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum " +
            "WHERE n.nspname = $1 AND i.indisprimary ORDER BY c.relname, k.ord",
            connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var table = reader.GetString(0);
                if (!keys.TryGetValue(table, out var list))
                {
                    keys[table] = list = [];
                }

                list.Add(reader.GetString(1));
            }
        }

        var tables = columns.ToDictionary(
            c => c.Key,
            c => new TableSchema(c.Key, c.Value, keys.TryGetValue(c.Key, out var key) ? key : []),
            StringComparer.Ordinal);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Table(schema, ColumnsTable) });
            if (tables.Count == 0 || await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not true)
            {
                return tables;
            }
        }

        await using (var command = new NpgsqlCommand(SelectMappings(schema), connection))
        {
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var rows = new List<(string, string, string?, string, string, string?)>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }

            AttachMappings(tables, rows);
        }

        return tables;
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

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
