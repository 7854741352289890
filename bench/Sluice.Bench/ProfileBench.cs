using System.Diagnostics;
using System.Globalization;
using Sluice.Core.Loading;
using Sluice.Core.Normalization;
using Sluice.Destinations.DuckDb;
using Sluice.Destinations.Postgres;
using Sluice.Server.Buffering;

namespace Sluice.Bench;

/// <summary>
/// <c>profile</c>: the steps of SourceLoader.LoadOnceAsync run one after another by hand (no worker, nothing concurrent), each
/// timed in wall and in process CPU seconds, so a shared machine's noise does not hide where the loader's time goes.
/// Also times one GetPendingAsync over the full buffer (what LoaderWorker runs every poll and after every load).
/// </summary>
public static class ProfileBench
{
    public static async Task<int> RunAsync(bool nested, string destinationKind, long count, string workDir, CancellationToken cancellationToken)
    {
        var schema = nested ? "bench_orders" : "bench_events";
        Func<long, string> make = nested ? n => Payloads.NestedOrder(n) : n => Payloads.FlatEvent(n);
        var database = new BufferDatabase(Path.Combine(workDir, "buffer.db"));
        await BufferFill.FillAsync(database, LoadBench.SourceId, count, make, nested ? 100 : 1000, cancellationToken);

        await using var postgres = destinationKind == "postgres" ? await LocalPostgres.StartAsync(cancellationToken) : null;
        IDestination destination = postgres is null
            ? new DuckDbDestination(Path.Combine(workDir, "warehouse", "1.duckdb"), new DuckDbDestinationOptions { MemoryLimit = new Server.Loading.LoadingOptions().DuckDbMemoryLimit })
            : new PostgresDestination(await postgres.CreateDatabaseAsync("profile", cancellationToken));
        await using var _ = destination;
        var buffer = new SqliteRecordBuffer(database);
        var planner = new LoadPlanner();
        var options = new Server.Loading.LoadingOptions();
        var stages = new Dictionary<string, (double Wall, double Cpu)>(StringComparer.Ordinal);

        async Task<T> Stage<T>(string name, Func<Task<T>> work)
        {
            var cpu = new MachineLoad();
            var clock = Stopwatch.StartNew();
            var result = await work();
            var (wall, used) = stages.GetValueOrDefault(name);
            stages[name] = (wall + clock.Elapsed.TotalSeconds, used + cpu.CpuSeconds);
            return result;
        }

        await Stage("pending scan (1 call, full buffer)", () => buffer.GetPendingAsync(cancellationToken));
        long checkpoint = 0;
        var loads = 0;
        while (true)
        {
            var records = await Stage("buffer read", () => buffer.ReadAsync(LoadBench.SourceId, checkpoint, options.MaxRecords, options.MaxBytes, cancellationToken));
            if (records.Count == 0)
            {
                break;
            }

            var tables = await Stage("destination tables", () => destination.GetTablesAsync(schema, cancellationToken));
            var context = new LoadContext(LoadBench.SourceId, schema, nested ? "order_id" : null, Guid.NewGuid);
            var plan = await Stage("plan", () => Task.FromResult(planner.Plan(context, records, tables, DateTime.UtcNow)));
            var request = await Stage("build request", () => Task.FromResult(plan.ToLoadRequest()));
            await Stage("commit", async () =>
            {
                await destination.CommitLoadAsync(request, cancellationToken);
                return true;
            });
            await Stage("buffer delete", () => buffer.DeleteThroughAsync(LoadBench.SourceId, request.CheckpointSequence, cancellationToken));
            checkpoint = request.CheckpointSequence;
            loads++;
        }

        var total = stages.Where(s => !s.Key.StartsWith("pending", StringComparison.Ordinal)).Sum(s => s.Value.Wall);
        var totalCpu = stages.Where(s => !s.Key.StartsWith("pending", StringComparison.Ordinal)).Sum(s => s.Value.Cpu);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[profile] {(nested ? "nested" : "flat")} {destinationKind}: {count:N0} records in {loads} loads, {total:F2} s wall, {totalCpu:F2} s CPU " +
            $"= {count / total:N0} records/s wall, {count / totalCpu:N0} records per CPU-second (load average {MachineLoad.LoadAverage():F1})"));
        foreach (var (name, (wall, cpu)) in stages)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[profile]   {name,-36} {wall,8:F2} s wall {cpu,8:F2} s CPU"));
        }

        return 0;
    }
}
