using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sluice.Testing;

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
        long sourceId;
        string webhookUrl;
        var acknowledged = new ConcurrentDictionary<(int Client, int Counter), bool>();

        // Without the loader role, so every acknowledged record is still in buffer.db to be counted.
        var first = await SluiceProcess.StartAsync(_dataDir, arguments: ["--roles", "ingest,api"]);
        await using (first)
        {
            (sourceId, webhookUrl) = await CreateSourceAsync(first.Api);

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

        // The same data directory and port, so the webhook URL from before the kill still points at it.
        await using (var second = await first.RestartAsync())
        {
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

    private static async Task<(long SourceId, string WebhookUrl)> CreateSourceAsync(HttpClient api)
    {
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
}
