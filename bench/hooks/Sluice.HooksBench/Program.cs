using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sluice.Core.Loading;
using Sluice.Server.Deliveries;
using Sluice.Server.Hooks;
using Sluice.Storage;
using Sluice.Testing;

// Post-load hook delivery, in one process: a real Sluice server (roles api,dispatcher; SQLite control plane in a temp data
// directory) and a real HTTPS receiver on loopback. Loads are handed to the real outbox as the loader's signal would.
//   throughput [--hooks 10] [--tables 50] [--loads 40]    deliveries/s, every delivery answered 200 at once
//   lateness [--seconds 20] [--rate 10] [--tables 10] [--timeout 5] [--warmup 3]
//                                                        p50/p99 lateness of a healthy hook while another never answers
var mode = args.FirstOrDefault() ?? "throughput";
int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

Console.WriteLine($"mode={mode} cores={Environment.ProcessorCount} loadavg={File.ReadAllText("/proc/loadavg").Trim()}");
return mode switch
{
    "throughput" => await ThroughputAsync(Arg("--hooks", 10), Arg("--tables", 50), Arg("--loads", 40)),
    "send" => await SendOnlyAsync(Arg("--requests", 5000), Arg("--concurrency", 64)),
    "lateness" => await LatenessAsync(Arg("--seconds", 20), Arg("--rate", 10), Arg("--tables", 10), Arg("--timeout", 5), Arg("--warmup", 3)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: sluice-hooks-bench throughput|lateness [options] (see bench/README.md)");
    return 2;
}

static async Task<(SluiceServer Server, HookReceiver Receiver)> StartAsync(Dictionary<string, string?>? extra = null, bool dispatcher = true)
{
    var receiver = await HookReceiver.StartAsync(keepBodies: false);
    var settings = new Dictionary<string, string?>
    {
        ["Sluice:Roles"] = "api,dispatcher",
        ["Hooks:AllowPrivateNetworks"] = "true",
        ["Hooks:TrustedCertificatePath"] = receiver.CertificatePath,
    };
    foreach (var (key, value) in extra ?? [])
    {
        settings[key] = value;
    }

    var server = await SluiceServer.StartAsync(
        b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Error);
            if (!dispatcher)
            {
                b.Services.Remove(b.Services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(HookDispatcher)));
            }
        },
        settings);
    return (server, receiver);
}

static async Task<long> CreateHookAsync(SluiceServer server, string url)
{
    var destination = (await server.Api.GetFromJsonAsync<JsonElement>("v4/destinations")).EnumerateArray().Single().GetProperty("id").GetInt64();
    using var response = await server.Api.PostAsJsonAsync("notifications/public/v1/api/hooks", new { type = "post_load", destination_id = destination, config = new { url } });
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
}

static LoadSummary Load(string schema, int tables)
{
    var now = DateTime.UtcNow;
    var stats = Enumerable.Range(0, tables)
        .Select(t => new TableLoadStats($"table_{t}", $"table_{t}", $"table_{t}", 100, 0, (t * 100) + 1, (t + 1) * 100, now))
        .ToList();
    return new LoadSummary(Guid.NewGuid(), 1, schema, now, 1, tables * 100, now, stats);
}

static async Task<int> CountAsync(SluiceServer server, string status)
{
    await using var db = await server.GetService<IDbContextFactory<ControlDbContext>>().CreateDbContextAsync();
    return await db.Deliveries.CountAsync(d => d.Status == status);
}

// The HTTP side alone: HookSender (shared handler, TLS, signing) to the receiver, no control plane.
static async Task<int> SendOnlyAsync(int requests, int concurrency)
{
    var (server, receiver) = await StartAsync();
    await using var _ = server;
    await using var __ = receiver;
    var sender = server.GetService<HookSender>();
    var target = new HookTarget(1, 1, receiver.Url("send"), Sluice.Core.Hooks.HookSignature.NewSecret(), true);
    var payload = JsonSerializer.Serialize(Sluice.Core.Hooks.PostLoadPayload.FromLoad(Load("bench", 1))[0]);
    var next = 0;
    var cpu = CpuSeconds();
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
    {
        while (Interlocked.Increment(ref next) <= requests)
        {
            var result = await sender.SendAsync(target, "msg_x", payload, CancellationToken.None);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(result.Error);
            }
        }
    })));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"send requests={requests} concurrency={concurrency} s={clock.Elapsed.TotalSeconds:F2} per_s={requests / clock.Elapsed.TotalSeconds:F0} cpu_s={CpuSeconds() - cpu:F1}"));
    return 0;
}

// Watches the receiver (in memory, free) until every request arrived, then the control plane (a COUNT, so rarely) until
// every outcome is recorded: polling the table all along would cost the run a noticeable share of its CPU.
static async Task WaitForAllAsync(SluiceServer server, HookReceiver receiver, int hooks, int total, Stopwatch clock)
{
    while (Enumerable.Range(0, hooks).Sum(h => receiver.Count($"h{h}")) < total && clock.Elapsed < TimeSpan.FromMinutes(5))
    {
        await Task.Delay(10);
    }

    while (await CountAsync(server, Delivery.Succeeded) < total && clock.Elapsed < TimeSpan.FromMinutes(5))
    {
        await Task.Delay(10);
    }
}

static double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

// Deliveries/s of the dispatcher: every delivery is queued first (the dispatcher not yet running), then a dispatcher is
// started and timed until the last outcome is recorded. Then the same again with the dispatcher running while the outbox
// queues the loads (end to end: outbox writes and dispatch compete for the control plane).
static async Task<int> ThroughputAsync(int hooks, int tables, int loads)
{
    var dispatchOnly = await DispatchOnlyAsync(hooks, tables, loads);
    var endToEnd = await EndToEndAsync(hooks, tables, loads);
    return dispatchOnly + endToEnd;
}

static async Task<int> DispatchOnlyAsync(int hooks, int tables, int loads)
{
    var (server, receiver) = await StartAsync(dispatcher: false);
    await using var _ = server;
    await using var __ = receiver;
    for (var h = 0; h < hooks; h++)
    {
        await CreateHookAsync(server, receiver.Url($"h{h}"));
    }

    var total = hooks * tables * loads;
    var outbox = server.GetService<HookOutbox>();
    for (var l = 0; l < loads; l++)
    {
        await outbox.AddAsync(server.ClientId, [Load("bench", tables)], advanceCursor: false, CancellationToken.None);
    }

    var dispatcher = ActivatorUtilities.CreateInstance<HookDispatcher>(server.GetService<IServiceProvider>());
    var cpu = CpuSeconds();
    var clock = Stopwatch.StartNew();
    await dispatcher.StartAsync(CancellationToken.None);
    await WaitForAllAsync(server, receiver, hooks, total, clock);

    var elapsed = clock.Elapsed;
    var cpuUsed = CpuSeconds() - cpu;
    await dispatcher.StopAsync(CancellationToken.None);
    dispatcher.Dispose();
    var succeeded = await CountAsync(server, Delivery.Succeeded);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"dispatch hooks={hooks} tables={tables} loads={loads} deliveries={total} succeeded={succeeded} s={elapsed.TotalSeconds:F2} deliveries_per_s={succeeded / elapsed.TotalSeconds:F0} cpu_s={cpuUsed:F1} cpu_ms_per_delivery={cpuUsed * 1000 / Math.Max(1, succeeded):F2}"));
    return succeeded == total ? 0 : 1;
}

static async Task<int> EndToEndAsync(int hooks, int tables, int loads)
{
    var (server, receiver) = await StartAsync();
    await using var _ = server;
    await using var __ = receiver;
    for (var h = 0; h < hooks; h++)
    {
        await CreateHookAsync(server, receiver.Url($"h{h}"));
    }

    var total = hooks * tables * loads;
    var outbox = server.GetService<HookOutbox>();
    var cpu = CpuSeconds();
    var clock = Stopwatch.StartNew();
    for (var l = 0; l < loads; l++)
    {
        await outbox.AddAsync(server.ClientId, [Load("bench", tables)], advanceCursor: false, CancellationToken.None);
    }

    var enqueued = clock.Elapsed;
    await WaitForAllAsync(server, receiver, hooks, total, clock);

    var elapsed = clock.Elapsed;
    var received = Enumerable.Range(0, hooks).Sum(h => receiver.Requests($"h{h}").Count);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"end_to_end hooks={hooks} tables={tables} loads={loads} deliveries={total} received={received} enqueue_s={enqueued.TotalSeconds:F2} total_s={elapsed.TotalSeconds:F2} deliveries_per_s={total / elapsed.TotalSeconds:F0} cpu_s={CpuSeconds() - cpu:F1}"));
    return received >= total ? 0 : 1;
}

static async Task<int> LatenessAsync(int seconds, int rate, int tables, int timeoutSeconds, int warmupSeconds)
{
    var (server, receiver) = await StartAsync(new() { ["Hooks:Timeout"] = $"00:00:{timeoutSeconds:D2}" });
    await using var _ = server;
    await using var __ = receiver;
    receiver.AnswerAlways("dead", HookAnswer.NoAnswer);
    var healthy = await CreateHookAsync(server, receiver.Url("healthy"));
    var outbox = server.GetService<HookOutbox>();

    // Warm-up (JIT, TLS connections), not counted: the healthy hook alone, `warmup` seconds of loads.
    var warm = Stopwatch.StartNew();
    var warmLoads = 0;
    while (warm.Elapsed < TimeSpan.FromSeconds(warmupSeconds))
    {
        await outbox.AddAsync(server.ClientId, [Load("warmup", tables)], advanceCursor: false, CancellationToken.None);
        warmLoads++;
        await Task.Delay(1000 / rate);
    }

    await receiver.WaitForRequestsAsync("healthy", warmLoads * tables, TimeSpan.FromSeconds(60));
    var warmupIds = receiver.Requests("healthy").Select(r => r.Header("webhook-id")).ToHashSet();
    var dead = await CreateHookAsync(server, receiver.Url("dead"));

    // Steady loads: `rate` loads a second of `tables` root tables each, for `seconds`.
    var clock = Stopwatch.StartNew();
    var sent = 0;
    while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
    {
        await outbox.AddAsync(server.ClientId, [Load("bench", tables)], advanceCursor: false, CancellationToken.None);
        sent++;
        var next = TimeSpan.FromSeconds((double)sent / rate) - clock.Elapsed;
        if (next > TimeSpan.Zero)
        {
            await Task.Delay(next);
        }
    }

    var expected = sent * tables;
    await receiver.WaitForRequestsAsync("healthy", expected + warmupIds.Count, TimeSpan.FromSeconds(60));
    await using var db = await server.GetService<IDbContextFactory<ControlDbContext>>().CreateDbContextAsync();
    var due = await db.Deliveries.AsNoTracking().Where(d => d.HookId == healthy).ToDictionaryAsync(d => d.WebhookId, d => d.CreatedAt);
    var lateness = receiver.Requests("healthy")
        .Where(r => due.ContainsKey(r.Header("webhook-id")) && !warmupIds.Contains(r.Header("webhook-id")))
        .Select(r => (r.ReceivedAt - due[r.Header("webhook-id")]).TotalMilliseconds)
        .Order().ToList();
    double Percentile(double p) => lateness[Math.Min(lateness.Count - 1, (int)Math.Ceiling(p * lateness.Count) - 1)];
    var deadRequests = receiver.Requests("dead").Count;
    var deadPending = await db.Deliveries.CountAsync(d => d.HookId == dead && d.Status == Delivery.Pending);
    if (Environment.GetEnvironmentVariable("HOOKS_BENCH_TIMELINE") == "1")
    {
        var start = due.Where(d => !warmupIds.Contains(d.Key)).Min(d => d.Value);
        foreach (var second in receiver.Requests("healthy").Where(r => due.ContainsKey(r.Header("webhook-id")) && !warmupIds.Contains(r.Header("webhook-id")))
            .GroupBy(r => (int)(due[r.Header("webhook-id")] - start).TotalSeconds).OrderBy(g => g.Key))
        {
            var values = second.Select(r => (r.ReceivedAt - due[r.Header("webhook-id")]).TotalMilliseconds).Order().ToList();
            Console.WriteLine($"  t={second.Key}s n={values.Count} p50={values[values.Count / 2]:F0} max={values[^1]:F0}");
        }

        }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"lateness seconds={seconds} warmup_s={warmupSeconds} loads={sent} healthy_deliveries={lateness.Count} dead_requests={deadRequests} dead_pending={deadPending} timeout_s={timeoutSeconds} p50_ms={Percentile(0.50):F0} p99_ms={Percentile(0.99):F0} max_ms={lateness[^1]:F0}"));
    return lateness.Count == expected ? 0 : 1;
}
