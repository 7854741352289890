using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Sluice.Cli.Tests;

/// <summary>
/// Kills <c>sluice serve</c> with SIGKILL while 16 clients post, restarts it, and checks buffer.db directly:
/// every acknowledged record is there exactly once, and each client's records are in sequence order.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private const int Clients = 16;

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sluice-crash-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Serve_KilledMidStream_EveryAcknowledgedRecordStoredOnceInOrder()
    {
        var port = FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        long sourceId;
        string webhookUrl;
        var acknowledged = new ConcurrentDictionary<(int Client, int Counter), bool>();

        using (var first = ServeProcess.Start(_dataDir, port))
        {
            await first.WaitUntilHealthyAsync(baseUrl);
            (sourceId, webhookUrl) = await CreateSourceAsync(baseUrl);

            using var http = new HttpClient();
            using var enoughAcked = new CancellationTokenSource();
            var clients = Enumerable.Range(0, Clients)
                .Select(client => Task.Run(() => PostUntilFailureAsync(http, webhookUrl, client, acknowledged, enoughAcked)))
                .ToList();

            // Kill once a good number of requests were acknowledged, with all 16 clients still posting.
            await Task.WhenAny(Task.Delay(Timeout.Infinite, enoughAcked.Token).ContinueWith(_ => { }, TaskScheduler.Default), Task.WhenAll(clients));
            first.Kill();
            await Task.WhenAll(clients);
        }

        Assert.True(acknowledged.Count >= 500, $"only {acknowledged.Count} records were acknowledged before the kill");

        using (var second = ServeProcess.Start(_dataDir, port))
        {
            await second.WaitUntilHealthyAsync(baseUrl);
            using var http = new HttpClient();
            using var after = await http.PostAsync(webhookUrl, new StringContent("""{"client":-1,"counter":0}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);

            var stored = ReadBuffer(sourceId);
            var keys = stored.Select(r => (r.Client, r.Counter)).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
            var missing = acknowledged.Keys.Except(keys).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} acknowledged records are missing, e.g. {string.Join(", ", missing.Take(5))}");
            foreach (var client in stored.Where(r => r.Client >= 0).GroupBy(r => r.Client))
            {
                var counters = client.Select(r => r.Counter).ToList();
                Assert.Equal(counters.Order(), counters);
            }

            Assert.Equal((-1, 0), keys[^1]);
            second.Kill();
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    /// <summary>One client: posts arrays of 1-4 records with increasing counters, one request at a time, until a request fails.</summary>
    private static async Task PostUntilFailureAsync(
        HttpClient http, string url, int client, ConcurrentDictionary<(int, int), bool> acknowledged, CancellationTokenSource enoughAcked)
    {
        var counter = 0;
        while (true)
        {
            var size = 1 + (counter % 4);
            var records = Enumerable.Range(counter, size).Select(c => $$"""{"client":{{client}},"counter":{{c}},"pad":"{{new string('p', 200)}}"}""");
            try
            {
                using var content = new StringContent("[" + string.Join(",", records) + "]", Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(url, content);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    // 503 (queue full): nothing was stored; try the same records again.
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    continue;
                }
            }
            catch (HttpRequestException)
            {
                return;
            }

            for (var c = counter; c < counter + size; c++)
            {
                acknowledged[(client, c)] = true;
            }

            counter += size;
            if (acknowledged.Count >= 3000)
            {
                enoughAcked.Cancel();
            }
        }
    }

    private async Task<(long SourceId, string WebhookUrl)> CreateSourceAsync(Uri baseUrl)
    {
        var token = (await File.ReadAllTextAsync(Path.Combine(_dataDir, "admin-token"))).Trim();
        using var api = new HttpClient { BaseAddress = baseUrl };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await api.PostAsJsonAsync("v4/sources", new { display_name = "Crash Test", type = "webhook.incoming-webhook" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return (body.GetProperty("id").GetInt64(), body.GetProperty("webhook_url").GetString()!);
    }

    private List<(int Client, int Counter, long Sequence)> ReadBuffer(long sourceId)
    {
        var records = new List<(int, int, long)>();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "buffer.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        // Blocks of records as buffer.db stores them (the bytes in block_data, or in the row for blocks of an earlier version): per record its sequence, receive time, JSON length, then the JSON.
        command.CommandText = "SELECT coalesce((SELECT d.data FROM block_data d WHERE d.id = b.data_id), b.data) FROM record_blocks b WHERE source_id = $source ORDER BY last_sequence";
        command.Parameters.AddWithValue("$source", sourceId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var block = reader.GetFieldValue<byte[]>(0);
            for (var offset = 0; offset < block.Length;)
            {
                var sequence = BinaryPrimitives.ReadInt64LittleEndian(block.AsSpan(offset));
                var length = BinaryPrimitives.ReadInt32LittleEndian(block.AsSpan(offset + 16));
                using var json = JsonDocument.Parse(block.AsMemory(offset + 20, length));
                records.Add((json.RootElement.GetProperty("client").GetInt32(), json.RootElement.GetProperty("counter").GetInt32(), sequence));
                offset += 20 + length;
            }
        }

        return records;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>`dotnet sluice.dll serve` as a child process, its output drained so it never blocks.</summary>
    private sealed class ServeProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private ServeProcess(Process process)
        {
            _process = process;
        }

        public static ServeProcess Start(string dataDir, int port)
        {
            var sluiceDll = Path.Combine(AppContext.BaseDirectory, "sluice.dll");
            Assert.True(File.Exists(sluiceDll), $"{sluiceDll} is missing; build test/Sluice.Cli.Tests");
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Without the loader role, so every acknowledged record is still in buffer.db to be counted.
            foreach (var arg in new[] { sluiceDll, "serve", "--urls", $"http://127.0.0.1:{port}", "--data-dir", dataDir, "--roles", "ingest,api" })
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info)!;
            var serve = new ServeProcess(process);
            process.OutputDataReceived += (_, e) => serve.Append(e.Data);
            process.ErrorDataReceived += (_, e) => serve.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return serve;
        }

        public async Task WaitUntilHealthyAsync(Uri baseUrl)
        {
            using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(2) };
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                Assert.False(_process.HasExited, $"sluice serve exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Output}");
                try
                {
                    using var response = await http.GetAsync(new Uri("readyz", UriKind.Relative));
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }

                // Waiting for another process to start listening, not for time to pass.
                await Task.Delay(100);
            }

            Assert.Fail($"sluice serve did not become ready within 60 s:\n{Output}");
        }

        /// <summary>SIGKILL: no shutdown hooks, no draining.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit();
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }

        private string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
