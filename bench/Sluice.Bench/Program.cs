using System.Globalization;
using Sluice.Bench;

// sluice-bench: end-to-end loading figures (see bench/README.md). One mode per process, so each run's peak RSS is its own.
const string Usage = """
    usage: sluice-bench load-flat   --destination duckdb|postgres [--events N]   (default 1,000,000)
           sluice-bench load-nested --destination duckdb|postgres [--orders N]   (default 100,000)
           sluice-bench load-wide | load-wide-routed --destination duckdb|postgres [--events N]   (default 100,000: 50 event types,
             2,000 distinct fields; load-wide into data, past 1,500 columns into _sdc_overflow; load-wide-routed with table_from
             field:type, a root table per type)
             what-ifs for both (server defaults otherwise): [--poll-ms 200] [--max-records 50000] [--part-records 10000] [--max-records-per-load 0] [--max-rows-per-load 0] [--checkpoint-threshold 16MiB] [--duckdb-threads 1] [--retention-hours 168]
             untimed warm-up first (load-flat and ceiling 200,000 records, load-nested 100,000; 0 = none): [--warmup N]
           sluice-bench ceiling     --destination duckdb|postgres [--events N]   (default 1,000,000)
           sluice-bench profile     --destination duckdb|postgres [--events N | --orders N]   (loader steps one by one, wall and CPU)
           sluice-bench freshness   --sluice PATH [--rate 5000] [--seconds 30] [--batch 100] [--buffer sqlite|nats] [--nodes N]
             (--buffer nats: a 3-node nats-server cluster, PostgreSQL control plane and destination, --nodes 2 by default)
    """;

if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"Unexpected argument '{args[i]}'.\n{Usage}");
        return 2;
    }

    options[args[i][2..]] = args[++i];
}

long Number(string name, long fallback) =>
    options.TryGetValue(name, out var text) ? long.Parse(text.Replace("_", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture) : fallback;

var destination = options.GetValueOrDefault("destination", "duckdb");
if (destination is not ("duckdb" or "postgres"))
{
    Console.Error.WriteLine($"--destination must be duckdb or postgres, not '{destination}'.");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var loading = new Sluice.Server.Loading.LoadingOptions();
loading.PollInterval = TimeSpan.FromMilliseconds(Number("poll-ms", (long)loading.PollInterval.TotalMilliseconds));
loading.MaxRecords = (int)Number("max-records", loading.MaxRecords);
loading.PartRecords = (int)Number("part-records", loading.PartRecords);
loading.MaxRecordsPerLoad = (int)Number("max-records-per-load", loading.MaxRecordsPerLoad);
loading.MaxRowsPerLoad = Number("max-rows-per-load", loading.MaxRowsPerLoad);
var duckDb = new Sluice.Destinations.DuckDb.DuckDbDestinationOptions { MemoryLimit = loading.DuckDbMemoryLimit }; // the server's default, as DestinationRegistry opens an account's file
if (options.TryGetValue("checkpoint-threshold", out var threshold))
{
    duckDb = duckDb with { CheckpointThreshold = threshold };
}

if (options.TryGetValue("duckdb-memory", out var memory))
{
    duckDb = duckDb with { MemoryLimit = memory };
}

if (options.ContainsKey("duckdb-threads"))
{
    duckDb = duckDb with { Threads = (int)Number("duckdb-threads", 0) };
}

var buffering = new Sluice.Server.Buffering.BufferOptions();
if (options.ContainsKey("retention-hours"))
{
    buffering.Retention = TimeSpan.FromHours(Number("retention-hours", 0)); // 0: loaded records are deleted, no raw archive
}

var workDir = Path.Combine(options.GetValueOrDefault("work-dir", Path.GetTempPath()), "sluice-bench-" + Guid.NewGuid().ToString("N")[..12]);
Directory.CreateDirectory(workDir);
try
{
    return args[0] switch
    {
        "load-flat" => await LoadBench.RunAsync(LoadShape.Flat, destination, Number("events", 1_000_000), Number("warmup", 200_000), workDir, loading, duckDb, buffering, cancel.Token),
        "load-wide" or "load-wide-routed" => await LoadBench.RunAsync(
            args[0] == "load-wide" ? LoadShape.Wide : LoadShape.WideRouted, destination, Number("events", 100_000), Number("warmup", 20_000), workDir, loading, duckDb, buffering, cancel.Token),
        "load-nested" => await LoadBench.RunAsync(LoadShape.Nested, destination, Number("orders", 100_000), Number("warmup", 100_000), workDir, loading, duckDb, buffering, cancel.Token),
        "ceiling" => await CeilingBench.RunAsync(destination, Number("events", 1_000_000), Number("warmup", 200_000), workDir, cancel.Token),
        "profile" => await ProfileBench.RunAsync(
            options.ContainsKey("orders"), destination, options.ContainsKey("orders") ? Number("orders", 100_000) : Number("events", 1_000_000), workDir, cancel.Token),
        "freshness" => await FreshnessBench.RunAsync(
            options.GetValueOrDefault("sluice") ?? throw new ArgumentException("freshness needs --sluice PATH (the Release build of the sluice executable)."),
            (int)Number("rate", 5000), (int)Number("seconds", 30), (int)Number("batch", 100),
            options.GetValueOrDefault("buffer", "sqlite"), (int)Number("nodes", options.GetValueOrDefault("buffer") == "nats" ? 2 : 1), workDir, cancel.Token),
        _ => Fail($"Unknown mode '{args[0]}'.\n{Usage}"),
    };
}
finally
{
    try
    {
        Directory.Delete(workDir, recursive: true);
    }
    catch (IOException)
    {
        // A leftover temp directory is harmless.
    }
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
