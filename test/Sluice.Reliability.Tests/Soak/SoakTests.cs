using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sluice.Reliability.Tests.Support;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Reliability.Tests.Soak;

/// <summary>
/// Soak: the highest ingest a client with 64 connections can drive, every role on, loading into the embedded DuckDB,
/// for <c>RELIABILITY_SOAK_SECONDS</c> (default 600; scripts/test.sh runs 120). Every second: requests answered, 503s,
/// resident memory, rows waiting, and staleness (now minus the send time of the newest loaded event). The loader must
/// keep up with what ingest accepts (rows waiting bounded, staleness p99 within 10 s), and afterwards every acknowledged
/// event is loaded once. Memory: printed (VmRSS every second); the target is 512 MB, held under 640 MB (see the assertion).
/// </summary>
public sealed class SoakTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Connections = 64;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sluice-soak-" + Guid.NewGuid().ToString("N")[..12]);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SluiceServer.TryDelete(_dataDir);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task HighestIngestWithEveryRoleOn_LoaderKeepsUp_EverythingLoadsOnce_MemoryReported()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("RELIABILITY_SOAK_SECONDS"), CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 600;
        // The server as a user runs it: default loading settings (SluiceProcess's test defaults of 0.2 s are for speed).
        await using var node = await SluiceProcess.StartAsync(_dataDir, new Dictionary<string, string>
        {
            ["SLUICE_Loading__Interval"] = "00:00:02",
            ["SLUICE_Loading__PollInterval"] = "00:00:00.2",
            ["SLUICE_Logging__LogLevel__Default"] = "Warning",
        });
        var (sourceId, schema, webhookUrl) = await Api.CreateSourceAsync(node.Api, "Soak Events");
        var url = new Uri(node.BaseAddress, new Uri(webhookUrl).PathAndQuery.TrimStart('/'));

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        var acknowledged = new ConcurrentBag<long>();
        var statuses = new ConcurrentDictionary<int, long>();
        var latencies = new ConcurrentBag<double>();
        long next = 0;
        using var stop = new CancellationTokenSource();
        async Task ClientAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var id = Interlocked.Increment(ref next);
                using var content = new StringContent(Event(id), Encoding.UTF8, "application/json");
                var clock = Stopwatch.StartNew();
                int status;
                try
                {
                    using var response = await http.PostAsync(url, content, CancellationToken.None);
                    status = (int)response.StatusCode;
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), CancellationToken.None);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    status = -1;
                }

                latencies.Add(clock.Elapsed.TotalMilliseconds);
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status == 200)
                {
                    acknowledged.Add(id);
                }
            }
        }

        var clients = Enumerable.Range(0, Connections).Select(_ => Task.Run(ClientAsync)).ToArray();
        var samples = new List<(double At, long Answered, long Refused, long RssMb, long Waiting, double? Staleness)>();
        var run = Stopwatch.StartNew();
        using (var timer = new PeriodicTimer(TimeSpan.FromSeconds(1)))
        {
            while (run.Elapsed < TimeSpan.FromSeconds(seconds) && await timer.WaitForNextTickAsync())
            {
                Assert.False(node.HasExited, "sluice serve exited during the soak:\n" + node.Output);
                var stats = await node.Api.GetFromJsonAsync<JsonElement>($"v4/sources/{sourceId}/stats");
                var newest = await Api.ScalarAsync(node.Api, $"SELECT max(sent_at) FROM {schema}.data");
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                samples.Add((run.Elapsed.TotalSeconds, statuses.Values.Sum(), statuses.GetValueOrDefault(503), RssMb(node.ProcessId),
                    stats.GetProperty("rows_to_be_loaded").GetInt64(), newest is { } n ? (now - n) / 1000.0 : null));
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(clients);
        var sendSeconds = run.Elapsed.TotalSeconds;

        // Afterwards every acknowledged event loads, once.
        var expected = acknowledged.Count;
        var drained = await Eventually.WaitAsync(
            async () => await Api.ScalarAsync(node.Api, $"SELECT count(*) FROM {schema}.data") >= expected, TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(500));
        var rows = await Api.ScalarAsync(node.Api, $"SELECT count(*) FROM {schema}.data") ?? 0;
        var distinct = await Api.ScalarAsync(node.Api, $"SELECT count(DISTINCT id) FROM {schema}.data") ?? 0;
        var acknowledgedLoaded = (await Api.CountByAsync(node.Api, $"{schema}.data", "id")).Keys.ToHashSet();
        var lost = acknowledged.Count(id => !acknowledgedLoaded.Contains(id));

        var sorted = latencies.Order().ToArray();
        var staleness = samples.Where(x => x.Staleness is not null && x.At > 10).Select(x => x.Staleness!.Value).Order().ToArray();
        var settled = samples.Where(x => x.At > 30).ToList();
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"soak {sendSeconds:0} s, {Connections} connections, every role, DuckDB: statuses {string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} x{kv.Value}"))}");
        report.AppendLine(CultureInfo.InvariantCulture, $"accepted {expected / sendSeconds:0} events/s; answered p50 {P(sorted, 0.5):0.0} ms, p99 {P(sorted, 0.99):0.0} ms");
        report.AppendLine(CultureInfo.InvariantCulture, $"peak RSS {samples.Max(x => x.RssMb)} MB; rows waiting max {samples.Max(x => x.Waiting)}, after 30 s max {(settled.Count > 0 ? settled.Max(x => x.Waiting) : 0)}");
        report.AppendLine(CultureInfo.InvariantCulture, $"staleness (now - newest loaded event) p50 {P(staleness, 0.5):0.00} s, p99 {P(staleness, 0.99):0.00} s, max {(staleness.Length > 0 ? staleness[^1] : double.NaN):0.00} s");
        report.AppendLine(CultureInfo.InvariantCulture, $"after: {rows} rows, {distinct} distinct ids, {expected} acknowledged, {lost} acknowledged not loaded");
        report.AppendLine("t s | answered | 503 | RSS MB | rows waiting | staleness s");
        foreach (var x in samples.Where((_, i) => i % 10 == 0 || i == samples.Count - 1))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"{x.At:0} | {x.Answered} | {x.Refused} | {x.RssMb} | {x.Waiting} | {x.Staleness:0.0}");
        }

        output.WriteLine(report.ToString());
        Assert.True(statuses.Keys.All(k => k is 200 or 503), "Answers other than 200 and 503:\n" + report);
        Assert.True(drained && lost == 0 && rows == distinct, "Not every acknowledged event loaded exactly once:\n" + report);
        // The target is 512 MB (issue 19): 470-489 MB peak with the automatic DuckDB memory limit, against 787-833 MB with a
        // fixed 2 GB (RELIABILITY.md). Held under 640 MB so that a machine with more cores (more DuckDB threads, larger
        // arenas) does not fail it, while a return to the fixed limit's buffer pool does; the report prints the figure.
        Assert.True(samples.Max(x => x.RssMb) < 640, "Resident memory reached 640 MB:\n" + report);
        Assert.True(P(staleness, 0.99) <= 10, "The loader did not keep up (staleness p99 above 10 s):\n" + report);
        Assert.True(settled.Count == 0 || settled.Max(x => x.Waiting) <= 150_000, "Rows waiting were not bounded:\n" + report);
    }

    private static double P(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static long RssMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>About 1 KB, as a SendGrid-like delivery event with a customer object and an items array.</summary>
    private static string Event(long id) => string.Create(CultureInfo.InvariantCulture, $$$"""
        {"id":{{{id}}},"sent_at":{{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}},"event":"delivered","email":"user{{{id % 100000}}}@example.com",
         "timestamp":{{{1765050000 + (id % 86400)}}},"sg_event_id":"ZGVsaXZlcmVk{{{id:D12}}}","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.{{{id % 9999}}}.0",
         "smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","category":["newsletter","cat{{{id % 7}}}"],"asm_group_id":{{{id % 5}}},
         "customer":{"id":{{{id % 4242}}},"plan":"pro","country":"NL","tags":["vip","beta"]},
         "response":"250 2.0.0 OK  1765050000 x{{{id % 97}}}si123456qkb.37 - gsmtp","tls":1,"ip":"168.1.1.{{{id % 250}}}",
         "note":"{{{new string('x', 420)}}}"}
        """);
}
