using System.Globalization;
using DuckDB.NET.Data;
using Sluice.Core.Loading;
using Sluice.Core.Tables;
using static Sluice.Core.Loading.LoadSql;

namespace Sluice.Destinations.DuckDb;

/// <summary>
/// One account's embedded warehouse: a DuckDB file. One writer connection, used by one caller at a time, applies each load
/// in one transaction: appender straight into append-only tables, appender into a temp table then <see cref="LoadSql"/>'s
/// upsert statements for keyed tables. When the file opens, external access (files, ATTACH, extensions) is switched off and
/// the configuration locked for the whole database instance: the writer needs neither, and ad-hoc queries must not have them.
/// Tables with a key get a PRIMARY KEY constraint; DuckDB 1.5 allows ADD/RENAME COLUMN on them (checked by the contract tests).
/// Unlike PostgreSQL, DuckDB matches quoted names case-insensitively (it keeps their case): <c>"Id"</c> and <c>"id"</c> are
/// one column, so names that differ only in case collide here.
/// </summary>
public sealed class DuckDbDestination : IDestination, IQueryableDestination
{
    private readonly DuckDbDestinationOptions _options;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DuckDBConnection? _writer;
    private bool _disposed;

    // With the automatic memory limit: the columns a load was about to write (the writer is reopened with a larger limit
    // before such a load) and the limit the writer was opened with.
    private int _columnsNeeded;
    private long _memoryLimit;

    // The tables of each schema as the last committed load (or GetTablesAsync) left them. Only this writer changes them, and
    // only under _gate, so a load without schema changes does not need to ask the catalog again (~10 ms a load). Forgotten
    // whenever a load fails or the writer connection is replaced.
    private readonly Dictionary<string, Dictionary<string, TableSchema>> _tables = new(StringComparer.Ordinal);

    public DuckDbDestination(string path, DuckDbDestinationOptions? options = null)
    {
        FilePath = System.IO.Path.GetFullPath(path);
        _options = options ?? new DuckDbDestinationOptions();
        _connectionString = new DuckDBConnectionStringBuilder { DataSource = FilePath }.ConnectionString;
    }

    public string FilePath { get; }

    public Task<long> GetCheckpointAsync(long sourceId, CancellationToken cancellationToken) =>
        WithWriterAsync(connection =>
        {
            using var command = Command(connection, $"SELECT sequence FROM {Table(BookkeepingSchema, CheckpointsTable)} WHERE source_id = $source_id");
            command.Parameters.Add(new DuckDBParameter("source_id", sourceId));
            return command.ExecuteScalar() is long sequence ? sequence : 0L;
        }, cancellationToken);

    public Task<long> GetTableVersionAsync(long sourceId, CancellationToken cancellationToken) =>
        WithWriterAsync(connection =>
        {
            using var command = Command(connection, SelectTableVersion(sourceId));
            return command.ExecuteScalar() is long version ? version : 0L;
        }, cancellationToken);

    public Task<IReadOnlyList<TableSchema>> GetTablesAsync(string schema, CancellationToken cancellationToken) =>
        WithWriterAsync(connection => (IReadOnlyList<TableSchema>)Tables(connection, schema).Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToList(), cancellationToken);

    public Task CommitLoadAsync(LoadRequest load, CancellationToken cancellationToken) => CommitLoadAsync(LoadParts.Of(load), cancellationToken);

    public Task<LoadSummary> CommitLoadAsync(IAsyncEnumerable<LoadRequest> parts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return WithWriterAsync(async writer =>
        {
            // The first part (every schema change of a load that is not a reload) is asked for before the transaction, so
            // that a load about to widen a table past what the memory limit allows reopens the file with a larger one first.
            var (first, all) = await PeekFirstAsync(parts, cancellationToken).ConfigureAwait(false);
            var connection = first is null ? writer : WithMemoryFor(writer, first);
            Execute(connection, "BEGIN TRANSACTION");
            var appenders = new OpenAppenders(connection);
            try
            {
                Dictionary<string, TableSchema>? tables = null;
                var superseded = 0L;
                var load = await LoadParts.ApplyAsync(
                    all,
                    (part, first) =>
                    {
                        if (part.Reload is { } reload)
                        {
                            superseded = StartReload(connection, appenders, part, reload);
                        }

                        var known = part.Reload is not null || part.SchemaChanges.Count > 0 || part.Mappings.Count > 0 ? null
                            : first ? _tables.GetValueOrDefault(part.Schema) : tables;
                        tables = ApplyPart(connection, appenders, part, known, first, cancellationToken);
                        return Task.CompletedTask;
                    },
                    cancellationToken).ConfigureAwait(false);
                appenders.CloseAll();
                Finish(connection, load);
                Execute(connection, "COMMIT");
                _tables[load.Schema] = tables!;
                return load.Summary with { SupersededRejections = superseded };
            }
            catch
            {
                _tables.Clear();
                appenders.Discard();
                Rollback(connection);
                throw;
            }
        }, cancellationToken);
    }

    /// <summary>The first of <paramref name="parts"/> (null when there is none) and all of them again, the first included.</summary>
    private static async Task<(LoadRequest? First, IAsyncEnumerable<LoadRequest> All)> PeekFirstAsync(IAsyncEnumerable<LoadRequest> parts, CancellationToken cancellationToken)
    {
        var enumerator = parts.GetAsyncEnumerator(cancellationToken);
        if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
            return (null, parts);
        }

        return (enumerator.Current, Replay(enumerator.Current, enumerator));

        static async IAsyncEnumerable<LoadRequest> Replay(LoadRequest first, IAsyncEnumerator<LoadRequest> rest)
        {
            try
            {
                yield return first;
                while (await rest.MoveNextAsync().ConfigureAwait(false))
                {
                    yield return rest.Current;
                }
            }
            finally
            {
                await rest.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The writer, reopened with a larger automatic memory limit when the tables <paramref name="first"/> writes (at the width
    /// its schema changes give them) have more columns together than the limit it was opened with allows (<see cref="DuckDbMemory"/>).
    /// </summary>
    private DuckDBConnection WithMemoryFor(DuckDBConnection writer, LoadRequest first)
    {
        if (_options.MemoryLimit != DuckDbDestinationOptions.AutoMemoryLimit)
        {
            return writer;
        }

        var columns = ColumnsWritten(Tables(writer, first.Schema), first);
        var needed = DuckDbMemory.LimitFor(columns);
        if (needed <= _memoryLimit)
        {
            return writer;
        }

        // Sized for twice as many columns, so that tables widening load by load reopen the file a few times, not at every
        // step (closing the last connection checkpoints the file).
        _columnsNeeded = Math.Max(_columnsNeeded, columns * 2);
        writer.Dispose();
        _writer = null;
        _tables.Clear();
        _writer = Open();

        // When an ad-hoc query held the database open, the reopened writer joined it as it was: the load then runs with the
        // old limit (and is split if it runs out of it), and the next reopen applies the larger one.
        _memoryLimit = Math.Max(_memoryLimit, needed);
        return _writer;
    }

    /// <summary>
    /// The columns of every table <paramref name="part"/> appends to or changes, at the width its schema changes leave them:
    /// DuckDB holds blocks for each of them until the transaction commits.
    /// </summary>
    private static int ColumnsWritten(Dictionary<string, TableSchema> tables, LoadRequest part)
    {
        var widths = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var write in part.Writes)
        {
            widths[write.Table] = tables.GetValueOrDefault(write.Table)?.Columns.Count ?? write.Columns.Count;
        }

        foreach (var change in part.SchemaChanges)
        {
            widths[change.Table] = change switch
            {
                CreateTable create => create.Columns.Count,
                AddColumn add => (widths.TryGetValue(add.Table, out var width) ? width : tables.GetValueOrDefault(add.Table)?.Columns.Count ?? 0) + 1,
                _ => widths.GetValueOrDefault(change.Table),
            };
        }

        return widths.Values.Sum();
    }

    /// <summary>
    /// Read on a connection of its own, like ad-hoc queries: the committed loads, without waiting for a load in progress (a
    /// large one holds the writer for many seconds; the stats API and the hook outbox read this meanwhile).
    /// </summary>
    public async Task<IReadOnlyList<LoadSummary>> GetLoadsAsync(long? sourceId, DateTime after, int limit, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _writer) is null)
        {
            await WithWriterAsync(_ => true, cancellationToken).ConfigureAwait(false);
        }

        return await Task.Run(
            () =>
            {
                try
                {
                    using var connection = new DuckDBConnection(ConfiguredConnectionString());
                    connection.Open();
                    return ReadLoads(connection, sourceId, after, limit);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    throw DuckDbErrors.Classify(error, FilePath);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static IReadOnlyList<LoadSummary> ReadLoads(DuckDBConnection connection, long? sourceId, DateTime after, int limit)
    {
        using var command = Command(
            connection,
            "SELECT load_id, source_id, \"schema\", batched_at, min_sequence, max_sequence, max_received_at, CAST(tables AS VARCHAR) " +
            $"FROM {Table(BookkeepingSchema, LoadsTable)} WHERE batched_at > $after" +
            (sourceId is null ? string.Empty : " AND source_id = $source_id") +
            " ORDER BY batched_at, load_id LIMIT $limit");
        command.Parameters.Add(new DuckDBParameter("after", DateTime.SpecifyKind(after, DateTimeKind.Unspecified)));
        command.Parameters.Add(new DuckDBParameter("limit", (long)limit));
        if (sourceId is not null)
        {
            command.Parameters.Add(new DuckDBParameter("source_id", sourceId.Value));
        }

        using var reader = command.ExecuteReader();
        var loads = new List<LoadSummary>();
        while (reader.Read())
        {
            loads.Add(new LoadSummary(
                reader.GetGuid(0),
                reader.GetInt64(1),
                reader.GetString(2),
                Utc(reader.GetDateTime(3)),
                reader.GetInt64(4),
                reader.GetInt64(5),
                Utc(reader.GetDateTime(6)),
                LoadSummaryJson.Deserialize(reader.GetString(7))));
        }

        return loads;
    }

    public async Task<QueryResult> QueryAsync(string sql, int maxRows, CancellationToken cancellationToken)
    {
        // The writer opens (and locks down) the database instance; queries share it through their own connection and do not
        // wait for a running load. The runner opens with the lock-down settings too and checks them before running anything.
        if (Volatile.Read(ref _writer) is null)
        {
            await WithWriterAsync(_ => true, cancellationToken).ConfigureAwait(false);
        }

        return await Task.Run(() => DuckDbQueryRunner.Run(ConfiguredConnectionString(), sql, maxRows, _options.QueryTimeout, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A consistent copy of the file at <paramref name="targetPath"/>, taken while no load runs (under the writer's gate, so
    /// every load is in it whole or not at all): a CHECKPOINT first, so the copy is one file, then the file and whatever of
    /// its write-ahead log is left (a checkpoint cannot run while a query's transaction is open; DuckDB replays the log
    /// copied with it when the copy is opened). Returns each source's checkpoint in the copy.
    /// </summary>
    public Task<IReadOnlyDictionary<long, long>> SnapshotToAsync(string targetPath, IProgress<long>? copied, CancellationToken cancellationToken) =>
        WithWriterAsync(async connection =>
        {
            try
            {
                Execute(connection, "CHECKPOINT");
            }
            catch (DuckDBException)
            {
                // Another transaction is open (an ad-hoc query): the log is copied instead.
            }

            var checkpoints = new Dictionary<long, long>();
            if (ReadTables(connection, BookkeepingSchema).ContainsKey(CheckpointsTable))
            {
                using var command = Command(connection, $"SELECT source_id, sequence FROM {Table(BookkeepingSchema, CheckpointsTable)}");
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    checkpoints[reader.GetInt64(0)] = reader.GetInt64(1);
                }
            }

            await CopyFileAsync(FilePath, targetPath, copied, cancellationToken).ConfigureAwait(false);
            if (File.Exists(FilePath + ".wal"))
            {
                await CopyFileAsync(FilePath + ".wal", targetPath + ".wal", copied, cancellationToken).ConfigureAwait(false);
            }

            return (IReadOnlyDictionary<long, long>)checkpoints;
        }, cancellationToken);

    private static async Task CopyFileAsync(string from, string to, IProgress<long>? copied, CancellationToken cancellationToken)
    {
        await using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20, useAsync: true);
        await using var target = new FileStream(to, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            copied?.Report(read);
        }

        await target.FlushAsync(cancellationToken).ConfigureAwait(false);
        target.Flush(flushToDisk: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            _writer?.Dispose();
            _writer = null;
            _tables.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task<T> WithWriterAsync<T>(Func<DuckDBConnection, T> work, CancellationToken cancellationToken) =>
        WithWriterAsync(connection => Task.FromResult(work(connection)), cancellationToken);

    private async Task<T> WithWriterAsync<T>(Func<DuckDBConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await Task.Run(
                async () =>
                {
                    try
                    {
                        return await work(_writer ??= Open()).ConfigureAwait(false);
                    }
                    catch (Exception error) when (error is not OperationCanceledException and not DestinationException)
                    {
                        // A failed rollback or an invalidated database needs a fresh connection next time.
                        if (_writer is { } broken && !IsUsable(broken))
                        {
                            broken.Dispose();
                            _writer = null;
                            _tables.Clear();
                        }

                        throw DuckDbErrors.Classify(error, FilePath);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The connection string every connection of this file opens with, the writer's and the queries': the first to open the
    /// database instance creates it with these settings, external access off and the configuration locked from the start, so
    /// no connection ever sees it unlocked (DuckDB.NET shares one instance per file; later connections join it as it is).
    /// </summary>
    private string ConfiguredConnectionString()
    {
        var settings = new System.Text.StringBuilder(_connectionString);
        var memory = _options.MemoryLimit == DuckDbDestinationOptions.AutoMemoryLimit
            ? DuckDbMemory.Setting(Math.Max(_memoryLimit, DuckDbMemory.LimitFor(0)))
            : _options.MemoryLimit;
        Add("memory_limit", memory);
        Add("checkpoint_threshold", _options.CheckpointThreshold);
        Add("threads", _options.Threads?.ToString(CultureInfo.InvariantCulture));
        Add("enable_external_access", "false");
        Add("lock_configuration", "true");
        return settings.ToString();

        void Add(string name, string? value)
        {
            if (value is null)
            {
                return;
            }

            if (value.AsSpan().IndexOfAny(";='\"") >= 0)
            {
                throw new ArgumentException($"DuckDB setting {name} '{value}' must be a plain value such as 1GB (no ; = or quotes).");
            }

            settings.Append(';').Append(name).Append('=').Append(value);
        }
    }

    private DuckDBConnection Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(FilePath)!);
        var connection = new DuckDBConnection(ConfiguredConnectionString());
        try
        {
            connection.Open();
            if (_options.MemoryLimit == DuckDbDestinationOptions.AutoMemoryLimit)
            {
                // Sized by the file's widest table, or by the tables a load is about to write (with room to grow).
                var needed = DuckDbMemory.LimitFor(Math.Max(_columnsNeeded, WidestTable(connection)));
                if (needed > Math.Max(_memoryLimit, DuckDbMemory.LimitFor(0)))
                {
                    _memoryLimit = needed;
                    connection.Dispose();
                    connection = new DuckDBConnection(ConfiguredConnectionString());
                    connection.Open();
                }

                _memoryLimit = Math.Max(_memoryLimit, needed);
            }

            using (var external = Command(connection, "SELECT current_setting('enable_external_access')"))
            {
                // Someone else in this process opened and locked the file first; queries must never run with file access.
                if (external.ExecuteScalar() is not false)
                {
                    throw new DestinationException(
                        DestinationErrorKind.Other, $"DuckDB file {FilePath} is open in this process with external access enabled and its configuration locked.");
                }
            }

            Execute(
                connection,
                $"CREATE SCHEMA IF NOT EXISTS {Quote(BookkeepingSchema)}; " +
                $"CREATE TABLE IF NOT EXISTS {Table(BookkeepingSchema, CheckpointsTable)} (source_id BIGINT PRIMARY KEY, sequence BIGINT NOT NULL); " +
                $"CREATE TABLE IF NOT EXISTS {Table(BookkeepingSchema, LoadsTable)} (load_id UUID PRIMARY KEY, source_id BIGINT NOT NULL, " +
                "\"schema\" VARCHAR NOT NULL, batched_at TIMESTAMP NOT NULL, min_sequence BIGINT NOT NULL, max_sequence BIGINT NOT NULL, " +
                "max_received_at TIMESTAMP NOT NULL, tables JSON NOT NULL); " +
                CreateVersionsTable());
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private Dictionary<string, TableSchema> Tables(DuckDBConnection connection, string schema)
    {
        if (!_tables.TryGetValue(schema, out var tables))
        {
            _tables[schema] = tables = ReadTables(connection, schema);
        }

        return tables;
    }

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

    /// <summary>The number of columns of the file's widest table (0 without tables).</summary>
    private static int WidestTable(DuckDBConnection connection)
    {
        using var command = Command(
            connection,
            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM information_schema.columns " +
            "WHERE table_catalog = current_database() GROUP BY table_schema, table_name)");
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, TableSchema> ReadTables(DuckDBConnection connection, string schema)
    {
        var columns = new Dictionary<string, List<ColumnSpec>>(StringComparer.Ordinal);
        using (var command = Command(
            connection,
            "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c " +
            "JOIN information_schema.tables t ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema AND t.table_name = c.table_name " +
            "WHERE c.table_catalog = current_database() AND c.table_schema = $schema AND t.table_type = 'BASE TABLE' AND c.table_name <> $rejected " +
            "AND c.table_name <> $columns " +
            "ORDER BY c.table_name, c.ordinal_position"))
        {
            command.Parameters.Add(new DuckDBParameter("schema", schema));
            command.Parameters.Add(new DuckDBParameter("rejected", RejectedTable));
            command.Parameters.Add(new DuckDBParameter("columns", ColumnsTable));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var table = reader.GetString(0);
                if (!columns.TryGetValue(table, out var list))
                {
                    columns[table] = list = [];
                }

                list.Add(new ColumnSpec(reader.GetString(1), DuckDbTypes.FromName(reader.GetString(2))));
            }
        }

        var keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        using (var command = Command(
            connection,
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() " +
            "WHERE database_name = current_database() AND schema_name = $schema AND constraint_type = 'PRIMARY KEY'"))
        {
            command.Parameters.Add(new DuckDBParameter("schema", schema));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                keys[reader.GetString(0)] = reader.GetFieldValue<List<string>>(1);
            }
        }

        var tables = columns.ToDictionary(
            c => c.Key,
            c => new TableSchema(c.Key, c.Value, keys.TryGetValue(c.Key, out var key) ? key : []),
            StringComparer.Ordinal);
        if (tables.Count > 0 && HasColumnsTable(connection, schema))
        {
            using var command = Command(connection, SelectMappings(schema));
            using var reader = command.ExecuteReader();
            var rows = new List<(string, string, string?, string, string, string?)>();
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }

            AttachMappings(tables, rows);
        }

        return tables;
    }

    private static bool HasColumnsTable(DuckDBConnection connection, string schema)
    {
        using var command = Command(
            connection,
            "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = $schema AND table_name = $name");
        command.Parameters.Add(new DuckDBParameter("schema", schema));
        command.Parameters.Add(new DuckDBParameter("name", ColumnsTable));
        return command.ExecuteScalar() is long count && count > 0;
    }

    private static int IndexOf(IReadOnlyList<ColumnSpec> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static void Rollback(DuckDBConnection connection)
    {
        try
        {
            Execute(connection, "ROLLBACK");
        }
        catch (DuckDBException)
        {
            // The transaction is already gone (DuckDB aborts it on some errors); the caller reports the original failure.
        }
    }

    private static bool IsUsable(DuckDBConnection connection)
    {
        try
        {
            using var command = Command(connection, "SELECT 1");
            command.ExecuteScalar();
            return true;
        }
        catch (DuckDBException)
        {
            return false;
        }
    }

    private static DuckDBCommand Command(DuckDBConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static int ExecuteCount(DuckDBConnection connection, string sql)
    {
        using var command = Command(connection, sql);
        return command.ExecuteNonQuery();
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = Command(connection, sql);
        command.ExecuteNonQuery();
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
