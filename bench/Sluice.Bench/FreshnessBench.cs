using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Sluice.Bench;

/// <summary>
/// <c>freshness</c>: runs <c>sluice serve</c> as its own process (default Loading options: Interval 2 s), posts flat events at a
/// sustained rate from a loopback client as arrays of <c>batch</c> events (default 50 requests/s of 100), each event carrying
/// <c>sent_at</c> (epoch ms) and its request's <c>batch</c> number, and polls <c>POST /v4/query</c> every 250 ms for the batches
/// that became queryable. Freshness of a batch = end of the first poll that sees all its events - its <c>sent_at</c>.
/// Samples the server's RSS every second. Bounded: sends for <c>seconds</c>, waits at most 60 s more, then stops the server.
/// </summary>
public static class FreshnessBench
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(string sluice, int rate, int seconds, int batch, string workDir, CancellationToken cancellationToken)
    {
        var dataDir = Path.Combine(workDir, "data");
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var server = StartServer(sluice, baseUrl, dataDir, Path.Combine(workDir, "server.log"));
        try
        {
            return await MeasureAsync(server, baseUrl, dataDir, rate, seconds, batch, cancellationToken);
        }
        finally
        {
            Stop(server);
        }
    }

    private static async Task<int> MeasureAsync(Process server, string baseUrl, string dataDir, int rate, int seconds, int batch, CancellationToken cancellationToken)
    {
        var serverUrlFile = Path.Combine(dataDir, "server-url");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(serverUrlFile))
        {
            if (server.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"sluice serve did not start (exit code {(server.HasExited ? server.ExitCode : -1)}); see its log.");
            }

            await Task.Delay(100, cancellationToken);
        }

        var token = (await File.ReadAllTextAsync(Path.Combine(dataDir, "admin-token"), cancellationToken)).Trim();
        using var api = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var created = await api.PostAsync(new Uri("/v4/sources", UriKind.Relative), Json("""{"display_name":"Bench Events","type":"webhook.incoming-webhook"}"""), cancellationToken);
        var createdBody = await created.Content.ReadAsStringAsync(cancellationToken);
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /v4/sources answered {(int)created.StatusCode}: {createdBody}");
        }

        var source = JsonDocument.Parse(createdBody).RootElement;
        var webhook = new Uri(source.GetProperty("webhook_url").GetString()!);
        var schema = source.GetProperty("name").GetString()!;

        await using var memory = MemoryMeter.Start(server.Id, TimeSpan.FromSeconds(1));
        using var hooks = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromSeconds(30) };
        var batches = rate * seconds / batch;
        var sentAt = new long[batches];
        var outcome = new int[batches];
        var visibleAfter = new ConcurrentDictionary<int, double>();
        var ackMs = new ConcurrentBag<double>();
        using var stopPolling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var poller = PollAsync(api, schema, batch, visibleAfter, stopPolling.Token);

        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds((double)batch / rate);
        var inFlight = new List<Task>(batches);
        using var slots = new SemaphoreSlim(512);
        long nextId = 1;
        for (var b = 0; b < batches; b++)
        {
            var due = interval * b;
            if (clock.Elapsed < due)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }

            var index = b;
            var firstId = nextId;
            nextId += batch;
            await slots.WaitAsync(cancellationToken);
            inFlight.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                        sentAt[index] = sent;
                        var body = new StringBuilder(batch * 340).Append('[');
                        for (var i = 0; i < batch; i++)
                        {
                            body.Append(i == 0 ? string.Empty : ",").Append(Payloads.FlatEvent(firstId + i, sent, index));
                        }

                        var ack = Stopwatch.StartNew();
                        using var response = await hooks.PostAsync(webhook, Json(body.Append(']').ToString()), cancellationToken);
                        outcome[index] = (int)response.StatusCode;
                        ackMs.Add(ack.Elapsed.TotalMilliseconds);
                    }
                    catch (HttpRequestException)
                    {
                        outcome[index] = -1;
                    }
                    finally
                    {
                        slots.Release();
                    }
                },
                cancellationToken));
        }

        await Task.WhenAll(inFlight);
        var sendSeconds = clock.Elapsed.TotalSeconds;
        var accepted = Enumerable.Range(0, batches).Where(b => outcome[b] == 200).ToArray();
        var waitUntil = clock.Elapsed + TimeSpan.FromSeconds(60);
        while (accepted.Any(b => !visibleAfter.ContainsKey(b)) && clock.Elapsed < waitUntil)
        {
            await Task.Delay(100, cancellationToken);
        }

        await stopPolling.CancelAsync();
        await poller.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var hwm = MemoryMeter.ReadMb(server.Id, "VmHWM");

        var latencies = accepted.Where(visibleAfter.ContainsKey).Select(b => visibleAfter[b]).Order().ToArray();
        var missing = accepted.Length - latencies.Length;
        var acks = ackMs.Order().ToArray();
        var p50 = Percentile(latencies, 0.50);
        var p99 = Percentile(latencies, 0.99);
        var failed = batches - accepted.Length;
        var statuses = string.Join(", ", outcome.Where(o => o != 200).GroupBy(o => o).Select(g => $"{g.Key}: {g.Count()}"));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[freshness] sent {batches:N0} requests of {batch} events in {sendSeconds:F1} s = {(double)accepted.Length * batch / sendSeconds:N0} events/s accepted " +
            $"(target {rate:N0}); failed requests {failed}{(failed > 0 ? $" ({statuses})" : string.Empty)}; POST ack p50 {Percentile(acks, 0.5):F0} ms, p99 {Percentile(acks, 0.99):F0} ms"));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[freshness] POST -> queryable: p50 {p50:F2} s, p99 {p99:F2} s, max {(latencies.Length > 0 ? latencies[^1] : double.NaN):F2} s over {latencies.Length:N0} batches" +
            $"{(missing > 0 ? $"; {missing} accepted batches never became queryable within 60 s" : string.Empty)}; " +
            $"server RSS max {memory.MaxSampledRssMb} MB (sampled every 1 s), peak {hwm} MB (VmHWM)"));
        BenchResult.Print("freshness", "duckdb", new()
        {
            ["target_rate"] = rate,
            ["batch"] = batch,
            ["achieved_rate"] = (double)accepted.Length * batch / sendSeconds,
            ["failed_requests"] = failed,
            ["missing_batches"] = missing,
            ["p50_s"] = p50,
            ["p99_s"] = p99,
            ["max_s"] = latencies.Length > 0 ? latencies[^1] : double.NaN,
            ["ack_p99_ms"] = Percentile(acks, 0.99),
            ["peak_rss_mb"] = Math.Max(hwm, memory.MaxSampledRssMb),
        });
        return missing == 0 ? 0 : 1;
    }

    /// <summary>Which batches are fully queryable, asked through the API the way a user would (<c>POST /v4/query</c>).</summary>
    private static async Task PollAsync(HttpClient api, string schema, int batch, ConcurrentDictionary<int, double> visibleAfter, CancellationToken cancellationToken)
    {
        var lowestUnseen = 0;
        using var timer = new PeriodicTimer(PollEvery);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var sql = string.Create(CultureInfo.InvariantCulture,
                $"SELECT batch, count(*), min(sent_at) FROM \"{schema}\".\"data\" WHERE batch >= {lowestUnseen} GROUP BY batch");
            using var response = await api.PostAsync(
                new Uri("/v4/query", UriKind.Relative), Json(JsonSerializer.Serialize(new Dictionary<string, object> { ["sql"] = sql, ["max_rows"] = 10_000 })), cancellationToken);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                continue; // before the first load the table does not exist yet
            }

            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
            foreach (var row in body.GetProperty("rows").EnumerateArray())
            {
                var b = row[0].GetInt32();
                if (row[1].GetInt64() == batch)
                {
                    visibleAfter.TryAdd(b, (now - row[2].GetInt64()) / 1000.0);
                }
            }

            while (visibleAfter.ContainsKey(lowestUnseen))
            {
                lowestUnseen++;
            }
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static Process StartServer(string sluice, string baseUrl, string dataDir, string logPath)
    {
        var start = new ProcessStartInfo(sluice)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "serve", "--urls", baseUrl, "--data-dir", dataDir })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {sluice}.");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.Exited += (_, _) => log.Dispose();
        process.EnableRaisingEvents = true;
        return process;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>SIGTERM (a graceful stop: the buffer writer drains), then SIGKILL after 15 s; only this process, by its id.</summary>
    private static void Stop(Process server)
    {
        if (server.HasExited)
        {
            return;
        }

        _ = Kill(server.Id, 15);
        if (!server.WaitForExit(TimeSpan.FromSeconds(15)))
        {
            server.Kill();
            server.WaitForExit();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
