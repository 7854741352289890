using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sluice.Core.Loading;
using Sluice.Core.Normalization;
using Sluice.Destinations.DuckDb;
using Sluice.Destinations.Postgres;
using Sluice.Server.Buffering;
using Sluice.Server.Loading;
using Sluice.Server.Operations;

namespace Sluice.Bench;

/// <summary>What a load bench loads: flat events, nested orders, or the wide stream (into <c>data</c>, or one root table per type).</summary>
public enum LoadShape
{
    Flat,
    Nested,
    Wide,
    WideRouted,
}

/// <summary>
/// <c>load-flat</c> / <c>load-nested</c> / <c>load-wide</c> / <c>load-wide-routed</c>: fills a real buffer.db (untimed), then times the server's own loader worker
/// (LoaderWorker → SourceLoader → LoadPlanner → destination, default Loading options) until the buffer is empty.
/// Before that, an untimed warm-up loads <c>warmup</c> records of the same shape for another source into another schema of
/// the same destination, so the timed part measures the loader as it runs in a server that has been up for a while (its code
/// compiled by the JIT's optimizing tier), not the first loads of a cold process.
/// </summary>
public static class LoadBench
{
    public const long SourceId = 1;
    public const long ClientId = 1;
    public const long WarmupSourceId = 2;

    public static async Task<int> RunAsync(LoadShape shape, string destinationKind, long count, long warmup, string workDir, LoadingOptions loading, DuckDbDestinationOptions duckDb, Sluice.Server.Buffering.BufferOptions buffering, CancellationToken cancellationToken)
    {
        var nested = shape == LoadShape.Nested;
        var mode = shape switch { LoadShape.Nested => "load-nested", LoadShape.Wide => "load-wide", LoadShape.WideRouted => "load-wide-routed", _ => "load-flat" };
        var schema = shape switch { LoadShape.Nested => "bench_orders", LoadShape.Wide or LoadShape.WideRouted => "bench_wide", _ => "bench_events" };
        string? primaryKey = nested ? "order_id" : null;
        Func<long, string> make = shape switch
        {
            LoadShape.Nested => n => Payloads.NestedOrder(n),
            LoadShape.Wide or LoadShape.WideRouted => n => Payloads.WideEvent(n),
            _ => n => Payloads.FlatEvent(n),
        };
        var layout = shape == LoadShape.WideRouted
            ? new Sluice.Core.Sources.SourceLayout(new Sluice.Core.Sources.TableRoute(Sluice.Core.Sources.TableRouteKind.Field, "type"), [], null)
            : null;

        var database = new BufferDatabase(Path.Combine(workDir, "buffer.db"));
        await using var postgres = destinationKind == "postgres" ? await LocalPostgres.StartAsync(cancellationToken) : null;
        IDestination destination = postgres is null
            ? new DuckDbDestination(Path.Combine(workDir, "warehouse", $"{ClientId}.duckdb"), duckDb)
            : new PostgresDestination(await postgres.CreateDatabaseAsync("bench", cancellationToken));
        await using var _ = destination;

        if (warmup > 0)
        {
            var warmClock = Stopwatch.StartNew();
            await BufferFill.FillAsync(database, WarmupSourceId, warmup, make, nested ? 100 : 1000, cancellationToken);
            var warmupTargets = new FixedLoadTargets(new LoadTarget(WarmupSourceId, ClientId, schema + "_warmup", primaryKey, layout), destination);
            await LoadUntilEmptyAsync(database, new SqliteRecordBuffer(database, Microsoft.Extensions.Options.Options.Create(buffering), TimeProvider.System), warmupTargets, WarmupSourceId, loading, timings: null, cancellationToken);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{mode}] warm-up: {warmup:N0} records of the same shape loaded into {schema}_warmup in {warmClock.Elapsed.TotalSeconds:F1} s (untimed)"));
        }

        var fillClock = Stopwatch.StartNew();
        var bytes = await BufferFill.FillAsync(database, SourceId, count, make, nested ? 100 : 1000, cancellationToken);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{mode}] buffered {count:N0} records ({bytes / 1024.0 / 1024.0:F0} MB of JSON, {bytes / count} B each) in {fillClock.Elapsed.TotalSeconds:F1} s"));

        var timings = new LoadTimings();
        var timed = new TimedDestination(destination, timings);
        var buffer = new TimedBuffer(new SqliteRecordBuffer(database, Microsoft.Extensions.Options.Options.Create(buffering), TimeProvider.System), timings);
        var targets = new FixedLoadTargets(new LoadTarget(SourceId, ClientId, schema, primaryKey, layout), timed);

        MemoryMeter.ResetOwnPeak();
        var baseline = MemoryMeter.ReadMb(Environment.ProcessId, "VmRSS");
        await using var meter = MemoryMeter.Start(Environment.ProcessId, TimeSpan.FromMilliseconds(100));
        var loadAverage = MachineLoad.LoadAverage();
        var gc = GcMeter.Start();
        var (seconds, cpuSeconds) = await LoadUntilEmptyAsync(database, buffer, targets, SourceId, loading, timings, cancellationToken);
        var gcUsed = gc.Stop();
        var peak = MemoryMeter.ReadMb(Environment.ProcessId, "VmHWM");

        var counts = await CountRowsAsync((IQueryableDestination)destination, schema, shape, cancellationToken);
        var roots = shape == LoadShape.WideRouted ? counts.Sum() : counts[0];
        var rejected = await CountAsync((IQueryableDestination)destination, schema, LoadSql.RejectedTable, cancellationToken);
        if (roots != count || rejected != 0)
        {
            var reasons = await ((IQueryableDestination)destination).QueryAsync(
                $"SELECT reason, count(*) FROM {LoadSql.Table(schema, LoadSql.RejectedTable)} GROUP BY reason ORDER BY 2 DESC LIMIT 3", 3, cancellationToken);
            throw new InvalidOperationException(
                $"Expected {count} root rows in {schema} and nothing in _sdc_rejected after the load, found {roots} and {rejected} rejected: " +
                string.Join("; ", reasons.Rows.Select(r => $"{r[1]} x {r[0]}")));
        }

        var rows = counts.Sum();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{mode}] {destinationKind}: {count:N0} records ({rows:N0} rows in {counts.Length} tables) in {seconds:F2} s over {timings.Loads} loads ({timings.Parts} parts); " +
            $"CPU {cpuSeconds:F1} s (load average {loadAverage:F1}); RSS before {baseline} MB, peak {peak} MB (sampled max {meter.MaxSampledRssMb} MB)"));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{mode}] time: buffer read {timings.ReadSeconds:F2} s, plan {timings.PlanSeconds:F2} s, commit {timings.CommitSeconds:F2} s, " +
            $"buffer delete {timings.DeleteSeconds:F2} s, pending scans {timings.PendingSeconds:F2} s ({timings.PendingCalls} calls, some concurrent), " +
            $"tables {timings.TablesSeconds:F2} s, checkpoint {timings.CheckpointSeconds:F2} s"));
        Console.Error.WriteLine($"[{mode}] {gcUsed}");
        BenchResult.Print(mode, destinationKind, new()
        {
            ["records"] = count,
            ["warmup"] = warmup,
            ["rows"] = rows,
            ["seconds"] = seconds,
            ["records_per_s"] = count / seconds,
            ["rows_per_s"] = rows / seconds,
            ["loads"] = timings.Loads,
            ["parts"] = timings.Parts,
            ["cpu_s"] = cpuSeconds,
            ["loadavg"] = loadAverage,
            ["peak_rss_mb"] = peak,
            ["read_s"] = timings.ReadSeconds,
            ["plan_s"] = timings.PlanSeconds,
            ["commit_s"] = timings.CommitSeconds,
            ["delete_s"] = timings.DeleteSeconds,
            ["pending_s"] = timings.PendingSeconds,
            ["gc_pause_s"] = gcUsed.PauseSeconds,
            ["allocated_mb"] = gcUsed.AllocatedMb,
            ["jit_s"] = gcUsed.JitSeconds,
        });
        return 0;
    }

    /// <summary>
    /// Runs a loader worker of its own (the server's, with <paramref name="loading"/>) over <paramref name="buffer"/> until
    /// <paramref name="sourceId"/> has nothing buffered, then stops it; returns the wall and process CPU seconds from the
    /// worker's start to the empty buffer.
    /// </summary>
    private static async Task<(double Seconds, double CpuSeconds)> LoadUntilEmptyAsync(
        BufferDatabase database, IRecordBuffer buffer, FixedLoadTargets targets, long sourceId, LoadingOptions loading, LoadTimings? timings, CancellationToken cancellationToken)
    {
        var options = Options.Create(loading);
        var time = TimeProvider.System;

        // Plan time as the loader reports it (sluice.load.plan.duration): parts are planned while earlier ones are written.
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new SluiceMetrics(meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SluiceMetrics.MeterName && instrument.Name == "sluice.load.plan.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, _, _) => timings?.Planned(seconds));
        listener.Start();
        var loader = new SourceLoader(buffer, targets, targets, new LoadPlanner(), [], time, options, NullLogger<SourceLoader>.Instance, metrics);
        var statuses = new LoadStatusTracker(time, options);
        using var worker = new LoaderWorker(buffer, loader, statuses, targets, targets, time, options, NullLogger<LoaderWorker>.Instance);
        var cpu = new MachineLoad();
        var clock = Stopwatch.StartNew();
        await worker.StartAsync(cancellationToken);
        while (await HasRecordsAsync(database, sourceId, cancellationToken))
        {
            if (statuses.Get(sourceId).LastError is { } error)
            {
                throw new InvalidOperationException($"A load of source {sourceId} failed: {error}");
            }

            await Task.Delay(20, cancellationToken);
        }

        var measured = (clock.Elapsed.TotalSeconds, cpu.CpuSeconds);
        await worker.StopAsync(cancellationToken);
        return measured;
    }

    private static async Task<bool> HasRecordsAsync(BufferDatabase database, long sourceId, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM record_blocks WHERE source_id = $source)";
        command.Parameters.AddWithValue("$source", sourceId);
        return await command.ExecuteScalarAsync(cancellationToken) is long found && found != 0;
    }

    private static async Task<long[]> CountRowsAsync(IQueryableDestination destination, string schema, LoadShape shape, CancellationToken cancellationToken)
    {
        string[] tables = shape switch
        {
            LoadShape.Nested => ["data", "data__items", "data__items__tags"],
            LoadShape.WideRouted => [.. Enumerable.Range(0, Payloads.WideTypes).Select(t => $"evt_type_{t}")],
            _ => ["data"],
        };
        var counts = new long[tables.Length];
        for (var i = 0; i < tables.Length; i++)
        {
            counts[i] = await CountAsync(destination, schema, tables[i], cancellationToken);
        }

        return counts;
    }

    private static async Task<long> CountAsync(IQueryableDestination destination, string schema, string table, CancellationToken cancellationToken)
    {
        var result = await destination.QueryAsync($"SELECT count(*) FROM {LoadSql.Table(schema, table)}", 1, cancellationToken);
        return result.Succeeded
            ? Convert.ToInt64(result.Rows[0][0], CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Counting {schema}.{table} failed: {result.Error}");
    }
}
