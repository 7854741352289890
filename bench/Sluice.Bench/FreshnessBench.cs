using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Npgsql;
using Sluice.Destinations.Postgres;
using Sluice.Testing;

namespace Sluice.Bench;

/// <summary>
/// <c>freshness</c>: runs <c>sluice serve</c> as its own process (default Loading options: Interval 2 s), posts flat events at a
/// sustained rate from a loopback client as arrays of <c>batch</c> events (default 50 requests/s of 100), each event carrying
/// <c>sent_at</c> (epoch ms) and its request's <c>batch</c> number, and polls every 250 ms for the batches that became
/// queryable. Freshness of a batch = end of the first poll that sees all its events - its <c>sent_at</c>.
/// Samples the servers' RSS every second. Bounded: sends for <c>seconds</c>, waits at most 60 s more, then stops the servers.
/// With <c>--buffer nats</c> it is the scale-out set-up instead: a three-node nats-server cluster (stream replicas 3), a
/// PostgreSQL 15 (fsync on) holding the control plane and the destination, and <c>--nodes</c> (default 2) <c>sluice serve</c>
/// processes started one after the other with the same settings; requests alternate between the nodes, and the poll asks
/// the destination table in PostgreSQL directly (POST to row in PostgreSQL).
/// </summary>
public static class FreshnessBench
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(string sluice, int rate, int seconds, int batch, string buffer, int nodes, string workDir, CancellationToken cancellationToken)
    {
        if (buffer is not ("sqlite" or "nats"))
        {
            throw new ArgumentException($"--buffer must be sqlite or nats, not '{buffer}'.");
        }

        if (buffer == "sqlite" && nodes != 1)
        {
            throw new ArgumentException("--nodes above 1 needs --buffer nats: the SQLite buffer is a file of one node.");
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        NatsCluster? nats = null;
        LocalPostgres? postgres = null;
        PostgresConnectionSettings? warehouse = null;
        var servers = new List<Process>();
        try
        {
            if (buffer == "nats")
            {
                nats = await NatsCluster.StartAsync(3);
                postgres = await LocalPostgres.StartAsync(cancellationToken);
                var control = await postgres.CreateDatabaseAsync("sluice_control", cancellationToken);
                warehouse = await postgres.CreateDatabaseAsync("warehouse", cancellationToken);
                environment["SLUICE_ControlPlane__Provider"] = "postgres";
                environment["SLUICE_ControlPlane__ConnectionString"] = control.ConnectionString();
                environment["SLUICE_Buffer__Provider"] = "nats";
                environment["SLUICE_Buffer__Nats__Url"] = nats.Url;
                environment["SLUICE_Buffer__Nats__Replicas"] = "3";
            }

            var urls = new List<Uri>();
            string? adminToken = null;
            for (var i = 0; i < nodes; i++)
            {
                // One after the other: the first node sets up the control plane, the account and its token.
                var dataDir = Path.Combine(workDir, $"node{i}");
                var baseUrl = new Uri($"http://127.0.0.1:{FreePort()}");
                var server = StartServer(sluice, baseUrl.ToString().TrimEnd('/'), dataDir, Path.Combine(workDir, $"server{i}.log"), environment);
                servers.Add(server);
                await WaitStartedAsync(server, dataDir, cancellationToken);
                adminToken ??= (await File.ReadAllTextAsync(Path.Combine(dataDir, "admin-token"), cancellationToken)).Trim();
                urls.Add(baseUrl);
            }

            return await MeasureAsync(servers, urls, adminToken!, warehouse, rate, seconds, batch, cancellationToken);
        }
        finally
        {
            foreach (var server in servers)
            {
                Stop(server);
            }

            if (nats is not null)
            {
                await nats.DisposeAsync();
            }

            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }
        }
    }

    private static async Task WaitStartedAsync(Process server, string dataDir, CancellationToken cancellationToken)
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
    }

    private static async Task<int> MeasureAsync(
        List<Process> servers, List<Uri> urls, string token, PostgresConnectionSettings? warehouse, int rate, int seconds, int batch, CancellationToken cancellationToken)
    {
        using var api = new HttpClient { BaseAddress = urls[0], Timeout = TimeSpan.FromSeconds(60) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var created = await api.PostAsync(new Uri("/v4/sources", UriKind.Relative), Json("""{"display_name":"Bench Events","type":"webhook.incoming-webhook"}"""), cancellationToken);
        var createdBody = await created.Content.ReadAsStringAsync(cancellationToken);
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /v4/sources answered {(int)created.StatusCode}: {createdBody}");
        }

        var source = JsonDocument.Parse(createdBody).RootElement;
        var webhookPath = new Uri(source.GetProperty("webhook_url").GetString()!).PathAndQuery;
        var webhooks = urls.Select(u => new Uri(u, webhookPath)).ToArray();
        var schema = source.GetProperty("name").GetString()!;
        Func<int, CancellationToken, Task<List<(int Batch, long Count, long MinSentAt)>?>> query;
        if (warehouse is not null)
        {
            var destination = JsonSerializer.Serialize(new
            {
                type = "postgres",
                connection = new { host = warehouse.Host, port = warehouse.Port, username = warehouse.Username, password = warehouse.Password, database = warehouse.Database, sslmode = "disable" },
            });
            using var made = await api.PostAsync(new Uri("/v4/destinations", UriKind.Relative), Json(destination), cancellationToken);
            if (!made.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"POST /v4/destinations answered {(int)made.StatusCode}: {await made.Content.ReadAsStringAsync(cancellationToken)}");
            }

            query = (lowest, ct) => QueryPostgresAsync(warehouse, schema, lowest, ct);
        }
        else
        {
            query = (lowest, ct) => QueryApiAsync(api, schema, lowest, ct);
        }

        var memories = servers.Select(server => MemoryMeter.Start(server.Id, TimeSpan.FromSeconds(1))).ToList();
        using var hooks = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromSeconds(30) };
        var batches = rate * seconds / batch;
        var sentAt = new long[batches];
        var outcome = new int[batches];
        var visibleAfter = new ConcurrentDictionary<int, double>();
        var ackMs = new ConcurrentBag<double>();
        using var stopPolling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var poller = PollAsync(query, batch, visibleAfter, stopPolling.Token);

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
                        using var response = await hooks.PostAsync(webhooks[index % webhooks.Length], Json(body.Append(']').ToString()), cancellationToken);
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
        var hwm = servers.Max(server => MemoryMeter.ReadMb(server.Id, "VmHWM"));
        var sampledRss = memories.Max(memory => memory.MaxSampledRssMb);
        foreach (var memory in memories)
        {
            await memory.DisposeAsync();
        }


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
            $"server RSS max {sampledRss} MB (sampled every 1 s), peak {hwm} MB (VmHWM){(servers.Count > 1 ? $", the higher of {servers.Count} nodes" : string.Empty)}"));
        BenchResult.Print("freshness", warehouse is null ? "duckdb" : "postgres", new()
        {
            ["nodes"] = servers.Count,
            ["target_rate"] = rate,
            ["batch"] = batch,
            ["achieved_rate"] = (double)accepted.Length * batch / sendSeconds,
            ["failed_requests"] = failed,
            ["missing_batches"] = missing,
            ["p50_s"] = p50,
            ["p99_s"] = p99,
            ["max_s"] = latencies.Length > 0 ? latencies[^1] : double.NaN,
            ["ack_p99_ms"] = Percentile(acks, 0.99),
            ["peak_rss_mb"] = Math.Max(hwm, sampledRss),
        });
        return missing == 0 ? 0 : 1;
    }

    /// <summary>Which batches are fully queryable, asked every 250 ms through <paramref name="query"/>.</summary>
    private static async Task PollAsync(
        Func<int, CancellationToken, Task<List<(int Batch, long Count, long MinSentAt)>?>> query, int batch, ConcurrentDictionary<int, double> visibleAfter, CancellationToken cancellationToken)
    {
        var lowestUnseen = 0;
        using var timer = new PeriodicTimer(PollEvery);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var rows = await query(lowestUnseen, cancellationToken);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var (b, count, minSentAt) in rows ?? [])
            {
                if (count == batch)
                {
                    visibleAfter.TryAdd(b, (now - minSentAt) / 1000.0);
                }
            }

            while (visibleAfter.ContainsKey(lowestUnseen))
            {
                lowestUnseen++;
            }
        }
    }

    /// <summary>The way a user would ask: <c>POST /v4/query</c>; null before the first load (the table does not exist yet).</summary>
    private static async Task<List<(int Batch, long Count, long MinSentAt)>?> QueryApiAsync(HttpClient api, string schema, int lowest, CancellationToken cancellationToken)
    {
        var sql = string.Create(CultureInfo.InvariantCulture, $"SELECT batch, count(*), min(sent_at) FROM \"{schema}\".\"data\" WHERE batch >= {lowest} GROUP BY batch");
        using var response = await api.PostAsync(
            new Uri("/v4/query", UriKind.Relative), Json(JsonSerializer.Serialize(new Dictionary<string, object> { ["sql"] = sql, ["max_rows"] = 10_000 })), cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
        return body.GetProperty("rows").EnumerateArray().Select(row => (row[0].GetInt32(), row[1].GetInt64(), row[2].GetInt64())).ToList();
    }

    /// <summary>Straight from the destination table in PostgreSQL; null before the first load.</summary>
    private static async Task<List<(int Batch, long Count, long MinSentAt)>?> QueryPostgresAsync(PostgresConnectionSettings warehouse, string schema, int lowest, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(warehouse.ConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT batch, count(*), min(sent_at) FROM \"{schema}\".\"data\" WHERE batch >= @lowest GROUP BY batch", connection);
        command.Parameters.AddWithValue("lowest", (long)lowest);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<(int, long, long)>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetInt64(1), Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture)));
            }

            return rows;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return null;
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static Process StartServer(string sluice, string baseUrl, string dataDir, string logPath, IReadOnlyDictionary<string, string> environment)
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
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

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
