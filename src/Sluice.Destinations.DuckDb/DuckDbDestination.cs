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
public sealed partial class DuckDbDestination : IDestination, IQueryableDestination
{
    private readonly DuckDbDestinationOptions _options;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DuckDBConnection? _writer;
    private bool _disposed;

    // With the automatic memory limit: the columns a load was about to write (the writer is reopened with a larger limit
    // before such a load) and the limit the writer was opened with.
    private int _columnsNeeded;
    private long _memoryLimit = DuckDbMemory.LimitFor(0);

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
