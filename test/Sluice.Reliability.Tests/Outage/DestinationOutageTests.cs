using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sluice.Reliability.Tests.Support;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Reliability.Tests.Outage;

/// <summary>
/// Destination outage: the account's PostgreSQL is stopped for <c>RELIABILITY_OUTAGE_SECONDS</c> (default 60) under a steady
/// stream of posts, then started again. Ingest must keep answering 200 throughout; the failure must show (the source's
/// status and last error, the in-app notification, the email after <c>Loading:ErrorEmailDelay</c>), and afterwards
/// everything loads, the error clears and every load's hook is delivered.
/// </summary>
public sealed class DestinationOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sluice-outage-" + Guid.NewGuid().ToString("N")[..12]);
    private PostgresServer _postgres = null!;
    private HookReceiver _receiver = null!;
    private SmtpServer _smtp = null!;
    private string _warehouse = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        _receiver = await HookReceiver.StartAsync(keepBodies: false);
        _smtp = await SmtpServer.StartAsync();
        _warehouse = await _postgres.CreateDatabaseAsync("outage");
    }

    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        await _receiver.DisposeAsync();
        await _postgres.DisposeAsync();
        SluiceServer.TryDelete(_dataDir);
    }

    [Fact]
    public async Task PostgresStoppedUnderSteadyIngest_IngestKeepsAnswering200_TheFailureShows_EverythingLoadsAfterwards()
    {
        var outage = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("RELIABILITY_OUTAGE_SECONDS"), CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 60);
        var environment = new Dictionary<string, string>
        {
            ["SLUICE_Hooks__AllowPrivateNetworks"] = "true",
            ["SLUICE_Hooks__TrustedCertificatePath"] = _receiver.CertificatePath,
            ["SLUICE_Hooks__Timeout"] = "00:00:02",
            ["SLUICE_Hooks__OutboxPollInterval"] = "00:00:00.300",
            ["SLUICE_Loading__ErrorEmailDelay"] = "00:00:15",
            ["SLUICE_Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in _smtp.Settings())
        {
            environment["SLUICE_" + key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }

        await using var node = await SluiceProcess.StartAsync(_dataDir, environment);
        var destination = await Api.CreatePostgresDestinationAsync(node.Api, _postgres, _warehouse);
        var hook = await Api.CreateHookAsync(node.Api, destination, _receiver.Url("outage"));
        var (sourceId, schema, webhookUrl) = await Api.CreateSourceAsync(node.Api, "Billing Events");
        var url = new Uri(node.BaseAddress, new Uri(webhookUrl).PathAndQuery.TrimStart('/')).ToString();

        // A steady stream: 40 requests/s of two invoice events each, each id once.
        var statuses = new ConcurrentDictionary<string, int>();
        var acknowledged = new ConcurrentBag<long>();
        var latencies = new ConcurrentBag<double>();
        long next = 0;
        using var stop = new CancellationTokenSource();
        var phase = "before";
        async Task ClientAsync()
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            while (await timer.WaitForNextTickAsync(CancellationToken.None) && !stop.IsCancellationRequested)
            {
                var id = Interlocked.Add(ref next, 2);
                var body = $"[{Invoice(id - 1)},{Invoice(id)}]";
                var clock = Stopwatch.StartNew();
                HttpStatusCode status;
                try
                {
                    status = await Api.PostAsync(node.Anonymous, url, body);
                }
                catch (HttpRequestException e)
                {
                    statuses.AddOrUpdate($"{Volatile.Read(ref phase)}: {e.Message}", 1, (_, n) => n + 1);
                    continue;
                }

                latencies.Add(clock.Elapsed.TotalMilliseconds);
                statuses.AddOrUpdate($"{Volatile.Read(ref phase)}: {(int)status}", 1, (_, n) => n + 1);
                if (status == HttpStatusCode.OK)
                {
                    acknowledged.Add(id - 1);
                    acknowledged.Add(id);
                }
            }
        }

        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(ClientAsync)).ToArray();
        await Eventually.AssertAsync(
            async () => await Api.ScalarAsync(node.Api, $"SELECT count(*) FROM {schema}.data") > 0, "something is loaded before the outage", TimeSpan.FromSeconds(30));
        var loadsBefore = await Api.ScalarAsync(node.Api, "SELECT count(*) FROM _sluice._sluice_loads") ?? 0;

        // The outage.
        await _postgres.StopServerAsync();
        Volatile.Write(ref phase, "during");
        var down = Stopwatch.StartNew();
        TimeSpan? errorShown = null, notified = null, emailed = null;
        string? lastError = null;
        while (down.Elapsed < outage)
        {
            var stats = await node.Api.GetFromJsonAsync<JsonElement>($"v4/sources/{sourceId}/stats");
            if (errorShown is null && stats.GetProperty("last_load_error").ValueKind == JsonValueKind.String)
            {
                errorShown = down.Elapsed;
                lastError = stats.GetProperty("last_load_error").GetString();
            }

            if (notified is null)
            {
                var notifications = await node.Api.GetFromJsonAsync<JsonElement>("v4/notifications");
                if (notifications.EnumerateArray().Any(n => n.GetProperty("code").GetString() == "loading-error"))
                {
                    notified = down.Elapsed;
                }
            }

            if (emailed is null && _smtp.Messages().Count > 0)
            {
                emailed = down.Elapsed;
            }

            await Task.Delay(500);
        }

        await _postgres.StartServerAsync();
        Volatile.Write(ref phase, "after");
        var up = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        // Everything acknowledged loads once; the error clears; every load's hook is delivered.
        var expected = acknowledged.ToHashSet();
        Dictionary<long, int> loaded = [];
        var caughtUp = await Eventually.WaitAsync(
            async () =>
            {
                loaded = await Api.CountByAsync(node.Api, $"{schema}.data", "id");
                return expected.All(loaded.ContainsKey);
            },
            TimeSpan.FromSeconds(90),
            TimeSpan.FromMilliseconds(500));
        var allLoadedAfter = up.Elapsed;
        var stats2 = await node.Api.GetFromJsonAsync<JsonElement>($"v4/sources/{sourceId}/stats");
        var loads = await Api.ScalarAsync(node.Api, "SELECT count(*) FROM _sluice._sluice_loads") ?? 0;
        var delivered = await Eventually.WaitAsync(
            async () => await Api.DeliveriesAsync(node.Api, hook) == ((int)loads, (int)loads), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        var (total, succeeded) = await Api.DeliveriesAsync(node.Api, hook);
        var sorted = latencies.Order().ToArray();

        var report = string.Join("\n", [
            $"outage {outage.TotalSeconds:0} s; posts: {string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} x{kv.Value}"))}",
            $"ack latency p50 {sorted[sorted.Length / 2]:0.0} ms, p99 {sorted[(int)(sorted.Length * 0.99)]:0.0} ms, max {sorted[^1]:0.0} ms",
            $"error in the stats after {errorShown?.TotalSeconds:0.0} s ({lastError}); in-app notification after {notified?.TotalSeconds:0.0} s; email after {emailed?.TotalSeconds:0.0} s",
            $"records acknowledged {expected.Count}, loaded {expected.Count(loaded.ContainsKey)}, loaded twice {loaded.Count(kv => kv.Value > 1)}; all loaded {allLoadedAfter.TotalSeconds:0.0} s after PostgreSQL came back",
            $"loads {loadsBefore} before the outage, {loads} in all; deliveries {total}, succeeded {succeeded}; status now {stats2.GetProperty("status").GetString()}, last error {stats2.GetProperty("last_load_error")}",
        ]);
        output.WriteLine(report);

        Assert.True(statuses.Keys.All(k => k.EndsWith(": 200", StringComparison.Ordinal)), "Ingest did not answer 200 to every post:\n" + report);
        Assert.True(statuses.ContainsKey("during: 200") && statuses["during: 200"] >= outage.TotalSeconds * 20, "Too few posts during the outage:\n" + report);
        Assert.True(errorShown is not null && notified is not null && emailed is not null, "The failure did not show in the stats, the notifications and the email:\n" + report);
        Assert.Contains(_warehouse, _smtp.Messages()[0].TextBody + lastError, StringComparison.Ordinal);
        Assert.True(caughtUp && loaded.All(kv => kv.Value == 1), "Not everything acknowledged loaded exactly once:\n" + report);
        Assert.True(stats2.GetProperty("last_load_error").ValueKind == JsonValueKind.Null, "The error did not clear after the recovery:\n" + report);
        Assert.True(delivered, "Not every load's hook was delivered:\n" + report);
    }

    private static string Invoice(long id) => string.Create(CultureInfo.InvariantCulture, $$$"""
        {"id":{{{id}}},"type":"invoice.paid","object":"event","api_version":"2024-06-20","created":{{{1765050000 + id}}},
         "data":{"object":{"id":"in_{{{id:D10}}}","object":"invoice","amount_paid":{{{1999 + (id % 500)}}},"currency":"usd",
         "customer":"cus_{{{id % 700:D6}}}","lines":{"object":"list","data":[{"id":"il_{{{id}}}_1","amount":{{{1999 + (id % 500)}}},"description":"Pro plan"}]} } } }
        """);
}
