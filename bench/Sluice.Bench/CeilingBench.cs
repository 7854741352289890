using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Npgsql;
using NpgsqlTypes;
using Sluice.Core.Buffering;
using Sluice.Core.Loading;
using Sluice.Core.Normalization;
using Sluice.Core.Tables;
using Sluice.Destinations.DuckDb;

namespace Sluice.Bench;

/// <summary>
/// <c>ceiling</c>: the engine's own bulk path for exactly the rows load-flat produces. The rows are pre-built (untimed) by the
/// real planner from the same flat events, so columns, types, values and the table (including its key constraint) are the
/// same; then one timed transaction moves them: DuckDB's appender, or PostgreSQL's binary COPY. As in load-flat, an untimed
/// warm-up first moves the first <c>warmup</c> rows into a table of another schema the same way, so the timed part runs warm code.
/// </summary>
public static class CeilingBench
{
    private const string Schema = "bench_events";

    /// <summary>What the garbage collector and the JIT did in the last timed transaction.</summary>
    private static GcUsed s_timed;

    public static async Task<int> RunAsync(string destinationKind, long count, long warmup, string workDir, CancellationToken cancellationToken)
    {
        var prep = Stopwatch.StartNew();
        var (create, columns, rows) = PrebuildRows(count);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[ceiling] pre-built {rows.Count:N0} rows of {columns.Count} columns with the planner in {prep.Elapsed.TotalSeconds:F1} s (untimed)"));

        double seconds;
        var loadAverage = MachineLoad.LoadAverage();
        var cpu = new MachineLoad(); // in-process work only: for PostgreSQL the server's share is not in it
        if (destinationKind == "postgres")
        {
            await using var postgres = await LocalPostgres.StartAsync(cancellationToken);
            var settings = await postgres.CreateDatabaseAsync("ceiling", cancellationToken);
            var warmupRows = rows.GetRange(0, (int)Math.Min(warmup, rows.Count));
            if (warmupRows.Count > 0)
            {
                await CopyIntoPostgresAsync(settings.ConnectionString(pooling: false), Schema + "_warmup", create, columns, warmupRows, cancellationToken);
            }

            seconds = await CopyIntoPostgresAsync(settings.ConnectionString(pooling: false), Schema, create, columns, rows, cancellationToken);
        }
        else
        {
            seconds = AppendIntoDuckDb(Path.Combine(workDir, "ceiling.duckdb"), create, columns, rows, (int)Math.Min(warmup, rows.Count));
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[ceiling] {destinationKind}: {rows.Count:N0} pre-built rows in {seconds:F2} s = {rows.Count / seconds:N0} rows/s; this process's CPU {cpu.CpuSeconds:F1} s (load average {loadAverage:F1})"));
        Console.Error.WriteLine($"[ceiling] {s_timed}");
        BenchResult.Print("ceiling", destinationKind, new()
        {
            ["rows"] = rows.Count,
            ["seconds"] = seconds,
            ["rows_per_s"] = rows.Count / seconds,
            ["loadavg"] = loadAverage,
            ["cpu_s"] = cpu.CpuSeconds,
            ["jit_s"] = s_timed.JitSeconds,
        });
        return 0;
    }

    private static (CreateTable Create, IReadOnlyList<ColumnSpec> Columns, List<object?[]> Rows) PrebuildRows(long count)
    {
        var planner = new LoadPlanner();
        var context = new LoadContext(LoadBench.SourceId, Schema, null, Guid.NewGuid);
        var received = DateTimeOffset.UtcNow;
        var rows = new List<object?[]>((int)count);
        CreateTable? create = null;
        IReadOnlyList<ColumnSpec>? columns = null;
        IReadOnlyList<TableSchema> existing = [];
        const int batch = 50_000; // Loading:MaxRecords' default, as the loader would plan them
        for (long first = 1; first <= count; first += batch)
        {
            var records = new List<BufferedRecord>(batch);
            for (var n = first; n < first + batch && n <= count; n++)
            {
                records.Add(new BufferedRecord(LoadBench.SourceId, n, received, Payloads.FlatEvent(n)));
            }

            var request = planner.Plan(context, records, existing, DateTime.UtcNow).ToLoadRequest();
            var write = request.Writes.Single();
            if (create is null)
            {
                create = request.SchemaChanges.OfType<CreateTable>().Single();
                columns = write.Columns;
                existing = [new TableSchema(create.Table, create.Columns, create.PrimaryKey)];
            }
            else if (request.SchemaChanges.Count > 0 || !write.Columns.Select(c => c.Name).SequenceEqual(columns!.Select(c => c.Name)))
            {
                throw new InvalidOperationException("The flat events changed shape between batches; the ceiling needs one table shape.");
            }

            rows.AddRange(write.Rows);
        }

        return (create!, columns!, rows);
    }

    private static double AppendIntoDuckDb(string path, CreateTable create, IReadOnlyList<ColumnSpec> columns, List<object?[]> rows, int warmup)
    {
        using var connection = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = path }.ConnectionString);
        connection.Open();
        // As the destination opens an account's file (Loading:DuckDbMemoryLimit=auto): sized by the table's columns.
        Execute(connection, $"SET memory_limit = '{DuckDbMemory.Setting(DuckDbMemory.LimitFor(create.Columns.Count))}'");
        if (!create.Columns.Select(c => c.Name).SequenceEqual(columns.Select(c => c.Name)))
        {
            throw new InvalidOperationException("The write's columns are not in table order.");
        }

        if (warmup > 0)
        {
            AppendInOneTransaction(connection, Schema + "_warmup", create, rows.GetRange(0, warmup));
        }

        return AppendInOneTransaction(connection, Schema, create, rows);
    }

    /// <summary>Creates the table in <paramref name="schema"/>, then appends every row in one transaction; returns the seconds the transaction took.</summary>
    private static double AppendInOneTransaction(DuckDBConnection connection, string schema, CreateTable create, List<object?[]> rows)
    {
        Execute(connection, $"CREATE SCHEMA {LoadSql.Quote(schema)}");
        Execute(connection, LoadSql.CreateTable(schema, create, DuckDbName, namedConstraint: false));
        var gc = GcMeter.Start();
        var clock = Stopwatch.StartNew();
        Execute(connection, "BEGIN TRANSACTION");
        using (var appender = connection.CreateAppender(null, schema, create.Table))
        {
            foreach (var values in rows)
            {
                var row = appender.CreateRow();
                foreach (var value in values)
                {
                    _ = value switch
                    {
                        null => row.AppendNullValue(),
                        long l => row.AppendValue((long?)l),
                        double d => row.AppendValue((double?)d),
                        string s => row.AppendValue(s),
                        bool b => row.AppendValue((bool?)b),
                        DateTime t => row.AppendValue((DateTime?)t),
                        _ => throw new InvalidOperationException($"Unexpected value type {value.GetType().Name}."),
                    };
                }

                row.EndRow();
            }
        }

        Execute(connection, "COMMIT");
        var seconds = clock.Elapsed.TotalSeconds;
        s_timed = gc.Stop();
        return seconds;
    }

    private static async Task<double> CopyIntoPostgresAsync(
        string connectionString, string schema, CreateTable create, IReadOnlyList<ColumnSpec> columns, List<object?[]> rows, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var setup = new NpgsqlCommand($"CREATE SCHEMA {LoadSql.Quote(schema)}; {LoadSql.CreateTable(schema, create, PostgresName, namedConstraint: true)}", connection))
        {
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        var types = columns.Select(c => c.Type switch
        {
            ColumnType.BigInt => NpgsqlDbType.Bigint,
            ColumnType.Double => NpgsqlDbType.Double,
            ColumnType.Boolean => NpgsqlDbType.Boolean,
            ColumnType.Timestamp => NpgsqlDbType.Timestamp,
            _ => NpgsqlDbType.Text,
        }).ToArray();
        var gc = GcMeter.Start();
        var clock = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var importer = await connection.BeginBinaryImportAsync(
            $"COPY {LoadSql.Table(schema, create.Table)} ({LoadSql.ColumnList(columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var values in rows)
            {
                await importer.StartRowAsync(cancellationToken);
                for (var i = 0; i < values.Length; i++)
                {
                    switch (values[i])
                    {
                        case null:
                            importer.WriteNull();
                            break;
                        case long l:
                            importer.Write(l, types[i]);
                            break;
                        case double d:
                            importer.Write(d, types[i]);
                            break;
                        case string s:
                            importer.Write(s, types[i]);
                            break;
                        case bool b:
                            importer.Write(b, types[i]);
                            break;
                        case DateTime t:
                            importer.Write(DateTime.SpecifyKind(t, DateTimeKind.Unspecified), types[i]);
                            break;
                        case var value:
                            throw new InvalidOperationException($"Unexpected value type {value.GetType().Name}.");
                    }
                }
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        s_timed = gc.Stop();
        return seconds;
    }

    private static string DuckDbName(ColumnType type) => type switch
    {
        ColumnType.BigInt => "BIGINT",
        ColumnType.Double => "DOUBLE",
        ColumnType.Boolean => "BOOLEAN",
        ColumnType.Timestamp => "TIMESTAMP",
        _ => "VARCHAR",
    };

    private static string PostgresName(ColumnType type) => type switch
    {
        ColumnType.BigInt => "bigint",
        ColumnType.Double => "double precision",
        ColumnType.Boolean => "boolean",
        ColumnType.Timestamp => "timestamp",
        _ => "text",
    };

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
