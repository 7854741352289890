using System.Globalization;
using DuckDB.NET.Data;
using Sluice.Core.Loading;
using Sluice.Core.Tables;
using static Sluice.Core.Loading.LoadSql;

namespace Sluice.Destinations.DuckDb;

/// <summary>The writer session: one connection at a time under the gate, opened with the file's settings (memory limit sized for the load, external access off, configuration locked) and replaced when it breaks.</summary>
public sealed partial class DuckDbDestination
{
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
        // When an ad-hoc query held the database open, the reopened writer joined it as it was: Open records the old limit
        // DuckDB kept, the load runs with it (and is split if it runs out of it), and the next load tries the reopen again.
        _writer = Open();
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
            ? DuckDbMemory.Setting(_memoryLimit)
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
                var requested = Math.Max(_memoryLimit, needed);
                if (needed > _memoryLimit)
                {
                    _memoryLimit = needed;
                    connection.Dispose();
                    connection = new DuckDBConnection(ConfiguredConnectionString());
                    connection.Open();
                }

                // What the instance has: a connection joining an instance another connection holds gets its limit, not ours.
                using var limit = Command(connection, "SELECT current_setting('memory_limit')");
                _memoryLimit = DuckDbMemory.Applied((string)limit.ExecuteScalar()!, requested);
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
}
