using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Sluice.Reliability.Tests.Support;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Reliability.Tests.CrashLoop;

/// <summary>
/// Crash loop: <c>sluice serve</c> on one data directory, SIGKILLed again and again at random moments (while requests come
/// in, while loads run, right after a load commits and before its hooks go out) and started again, with clients posting
/// unique ids to a keyed and an unkeyed source of an account loading into DuckDB and of one loading into PostgreSQL.
/// Afterwards, per destination: acknowledged, loaded, lost, duplicated, and every load's hook delivered. Cycles:
/// <c>RELIABILITY_CYCLES</c> (default 20; scripts/test.sh runs 5); seed: <c>RELIABILITY_SEED</c> (printed) replays one run.
/// </summary>
public sealed class CrashLoopTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sluice-crashloop-" + Guid.NewGuid().ToString("N")[..12]);
    private PostgresServer _postgres = null!;
    private HookReceiver _receiver = null!;
    private string _warehouse = null!;

    private enum Moment
    {
        DuringIngest,
        DuringLoad,
        AfterCommitBeforeHooks,
    }

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        _receiver = await HookReceiver.StartAsync(keepBodies: false);
        _warehouse = await _postgres.CreateDatabaseAsync("crashloop");
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _postgres.DisposeAsync();
        SluiceServer.TryDelete(_dataDir);
    }

    private sealed record Target(string Destination, string Name, string Token, string Schema, string WebhookUrl, bool Keyed)
    {
        public ConcurrentDictionary<long, bool> Acknowledged { get; } = new();

        public string Table => $"{Schema}.data";
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["SLUICE_Hooks__AllowPrivateNetworks"] = "true",
        ["SLUICE_Hooks__TrustedCertificatePath"] = _receiver.CertificatePath,
        ["SLUICE_Hooks__Timeout"] = "00:00:02",
        ["SLUICE_Hooks__OutboxPollInterval"] = "00:00:00.300",
        ["SLUICE_Logging__LogLevel__Default"] = "Warning",
    };

    [Fact]
    public async Task KilledAtRandomMomentsAndRestarted_LosesNothingLoadsNothingTwiceAndDeliversEveryLoadsHook()
    {
        var cycles = int.TryParse(System.Environment.GetEnvironmentVariable("RELIABILITY_CYCLES"), CultureInfo.InvariantCulture, out var c) && c > 0 ? c : 20;
        var seed = int.TryParse(System.Environment.GetEnvironmentVariable("RELIABILITY_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        output.WriteLine($"crash loop: {cycles} cycles, seed {seed} (RELIABILITY_SEED={seed} replays the moments)");
        var random = new Random(seed);

        // Set-up on a first start: account 1 loads into the embedded DuckDB, account 2 into PostgreSQL; each has a keyed
        // and an unkeyed source and a post-load hook.
        List<Target> targets;
        long duckHook, pgHook;
        string token1, token2;
        await using (var first = await SluiceProcess.StartAsync(_dataDir, Environment()))
        {
            token1 = first.Token;
            var created = await SluiceProcess.RunCliAsync("accounts", "create", "--data-dir", _dataDir, "--json");
            Assert.True(created.ExitCode == 0, created.Error);
            token2 = JsonDocument.Parse(created.Out).RootElement.GetProperty("token").GetString()!;
            using var api2 = Client(first.BaseAddress, token2);
            var pgDestination = await Api.CreatePostgresDestinationAsync(api2, _postgres, _warehouse);
            duckHook = await Api.CreateHookAsync(first.Api, await Api.CurrentDestinationAsync(first.Api), _receiver.Url("duckdb"));
            pgHook = await Api.CreateHookAsync(api2, pgDestination, _receiver.Url("postgres"));
            targets = [];
            foreach (var (destination, api, token) in new[] { ("duckdb", first.Api, token1), ("postgres", api2, token2) })
            {
                foreach (var keyed in new[] { true, false })
                {
                    var name = $"{(keyed ? "Keyed" : "Plain")} Orders {destination}";
                    var (_, schema, url) = await Api.CreateSourceAsync(api, name, keyed ? "id" : null);
                    targets.Add(new Target(destination, name, token, schema, new Uri(url).PathAndQuery.TrimStart('/'), keyed));
                }
            }
        }

        long nextId = 0;
        var moments = new List<string>();
        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            var moment = (Moment)((cycle - 1) % 3);
            await using var node = await SluiceProcess.StartAsync(_dataDir, Environment(), token1);
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, 4).Select(client => Task.Run(() => ClientAsync(node, targets, client, cycle, () => Interlocked.Increment(ref nextId), stop.Token))).ToArray();

            var loadsBefore = await LoadsAsync(node.Api) ?? 0;
            var clock = Stopwatch.StartNew();
            switch (moment)
            {
                case Moment.DuringIngest:
                    await Task.Delay(random.Next(300, 1500));
                    break;
                case Moment.DuringLoad:
                    // Loads run back to back under this stream (interval 0.2 s): once one has landed in this cycle,
                    // a random moment falls inside the next one most of the time.
                    await Eventually.WaitAsync(async () => await LoadsAsync(node.Api) > loadsBefore, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));
                    await Task.Delay(random.Next(0, 250));
                    break;
                case Moment.AfterCommitBeforeHooks:
                    // The load's row is in _sluice._sluice_loads (committed); its hook goes out at the outbox's next poll.
                    await Task.Delay(random.Next(200, 800));
                    var seen = await LoadsAsync(node.Api) ?? 0;
                    await Eventually.WaitAsync(async () => await LoadsAsync(node.Api) > seen, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(10));
                    break;
            }

            node.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(clients);
            moments.Add($"{cycle}:{moment}@{clock.ElapsedMilliseconds}ms");
        }

        output.WriteLine("kills: " + string.Join(", ", moments));

        // A last start with nothing killed: everything acknowledged loads, every load's hook is delivered.
        await using var last = await SluiceProcess.StartAsync(_dataDir, Environment(), token1);
        using var account2 = Client(last.BaseAddress, token2);
        HttpClient ApiOf(Target target) => target.Token == token1 ? last.Api : account2;
        var table = new StringBuilder("destination | source | acknowledged | loaded | lost | duplicated\n");
        var failures = new List<string>();
        foreach (var target in targets)
        {
            var acknowledged = target.Acknowledged.Keys.ToHashSet();
            Dictionary<long, int> loaded = [];
            await Eventually.WaitAsync(
                async () =>
                {
                    loaded = await Api.CountByAsync(ApiOf(target), target.Table, "id");
                    return acknowledged.All(loaded.ContainsKey);
                },
                TimeSpan.FromSeconds(90),
                TimeSpan.FromMilliseconds(500));
            var lost = acknowledged.Where(id => !loaded.ContainsKey(id)).ToList();
            var duplicated = loaded.Where(kv => kv.Value > 1).Select(kv => kv.Key).ToList();
            table.Append(CultureInfo.InvariantCulture, $"{target.Destination} | {target.Name} | {acknowledged.Count} | {acknowledged.Count(loaded.ContainsKey)} | {lost.Count} | {duplicated.Count}\n");
            if (lost.Count > 0 || duplicated.Count > 0)
            {
                failures.Add($"{target.Name}: lost {string.Join(", ", lost.Take(10))}; duplicated {string.Join(", ", duplicated.Take(10))}");
            }

            Assert.True(acknowledged.Count > 0, $"{target.Name}: no post was acknowledged in {cycles} cycles.");
        }

        // A keyed source's upsert would hide a record loaded twice: no two loads of a source may cover one sequence.
        foreach (var api in new[] { last.Api, account2 })
        {
            var (overlaps, error) = await Api.QueryAsync(api,
                "SELECT a.source_id, a.min_sequence, a.max_sequence, b.min_sequence, b.max_sequence FROM _sluice._sluice_loads a " +
                "JOIN _sluice._sluice_loads b ON a.source_id = b.source_id AND a.load_id < b.load_id " +
                "AND a.min_sequence <= b.max_sequence AND b.min_sequence <= a.max_sequence LIMIT 10");
            Assert.True(error is null, error);
            if (overlaps.Count > 0)
            {
                failures.Add("loads covering the same sequences: " + string.Join("; ", overlaps.Select(r => string.Join(' ', r))));
            }
        }

        var hooks = new StringBuilder();
        foreach (var (destination, api, hook) in new[] { ("duckdb", last.Api, duckHook), ("postgres", account2, pgHook) })
        {
            var loads = (int)(await LoadsAsync(api) ?? 0);
            var (total, succeeded) = (0, 0);
            await Eventually.WaitAsync(
                async () =>
                {
                    (total, succeeded) = await Api.DeliveriesAsync(api, hook);
                    return total == loads && succeeded == loads;
                },
                TimeSpan.FromSeconds(60),
                TimeSpan.FromMilliseconds(500));
            var received = _receiver.Requests(destination).Select(r => r.Header("webhook-id")).Distinct().Count();
            hooks.Append(CultureInfo.InvariantCulture, $"{destination}: {loads} loads, {total} deliveries, {succeeded} succeeded, {received} distinct webhook-ids received\n");
            if (total != loads || succeeded != loads || received != loads)
            {
                failures.Add($"{destination}: {loads} loads but {total} deliveries, {succeeded} succeeded, {received} received");
            }
        }

        output.WriteLine(table.ToString());
        output.WriteLine(hooks.ToString());
        Assert.True(failures.Count == 0, $"seed {seed}\n{table}{hooks}{string.Join("\n", failures)}");
    }

    /// <summary>Posts batches of one to three orders with fresh ids, round robin over the sources, until stopped; never resends.</summary>
    private static async Task ClientAsync(SluiceProcess node, List<Target> targets, int client, int cycle, Func<long> nextId, CancellationToken stop)
    {
        var turn = client;
        while (!stop.IsCancellationRequested)
        {
            var target = targets[turn++ % targets.Count];
            var ids = Enumerable.Range(0, 1 + (turn % 3)).Select(_ => nextId()).ToList();
            var body = "[" + string.Join(",", ids.Select(id => Order(id, client, cycle))) + "]";
            try
            {
                var status = await Api.PostAsync(node.Anonymous, new Uri(node.BaseAddress, target.WebhookUrl).ToString(), body, CancellationToken.None);
                if (status == HttpStatusCode.OK)
                {
                    foreach (var id in ids)
                    {
                        target.Acknowledged[id] = true;
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Killed: this request may or may not have been stored; it is not acknowledged, so it may load or not.
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }

    private static string Order(long id, int client, int cycle) => string.Create(CultureInfo.InvariantCulture, $$$"""
        {"id":{{{id}}},"type":"order.created","client":{{{client}}},"cycle":{{{cycle}}},"created_at":"2026-12-06T21:{{{id % 60:00}}}:00Z",
         "customer":{"email":"buyer{{{id % 500}}}@example.com","tier":"{{{(id % 3 == 0 ? "gold" : "standard")}}}"},
         "lines":[{"sku":"SKU-{{{id % 97}}}","qty":{{{1 + (id % 4)}}},"price":{"amount":{{{1250 + (id % 300)}}},"currency":"eur"}},
                  {"sku":"GIFT-WRAP","qty":1,"price":{"amount":300,"currency":"eur"}}],
         "total":{{{(1550 + (id % 300)) / 100.0}}}}
        """);

    private static Task<long?> LoadsAsync(HttpClient api) => Api.ScalarAsync(api, "SELECT count(*) FROM _sluice._sluice_loads");

    private static HttpClient Client(Uri baseAddress, string token)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
