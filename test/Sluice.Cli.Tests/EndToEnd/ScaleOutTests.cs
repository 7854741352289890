using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sluice.Testing;
using static Sluice.Cli.Tests.EndToEnd.Http;

namespace Sluice.Cli.Tests.EndToEnd;

/// <summary>
/// Scale-out as a user runs it: a three-server NATS JetStream cluster on loopback, a PostgreSQL control plane and
/// destination, and two <c>sluice serve</c> processes with the same settings, each a node of its own. Clients post to
/// both; one NATS server and one Sluice node are killed with SIGKILL mid-stream.
/// </summary>
public sealed class ScaleOutTests : IAsyncLifetime
{
    private const string Hooks = "notifications/public/v1/api/hooks";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-scaleout-" + Guid.NewGuid().ToString("N")[..12]);
    private NatsCluster _nats = null!;
    private PostgresServer _postgres = null!;
    private HookReceiver _receiver = null!;
    private string _controlPlane = null!;
    private string _warehouse = null!;

    public async Task InitializeAsync()
    {
        _nats = await NatsCluster.StartAsync(3);
        _postgres = await PostgresServer.StartAsync();
        _receiver = await HookReceiver.StartAsync();
        _controlPlane = await _postgres.CreateDatabaseAsync("sluice_control");
        _warehouse = await _postgres.CreateDatabaseAsync("sluice_warehouse");
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _postgres.DisposeAsync();
        await _nats.DisposeAsync();
        SluiceServer.TryDelete(_root);
    }

    /// <summary>Every node's settings: the same on each, as the README's "Run several nodes" gives them.</summary>
    private Dictionary<string, string> Settings(string? natsUrl = null) => new()
    {
        ["SLUICE_ControlPlane__Provider"] = "postgres",
        ["SLUICE_ControlPlane__ConnectionString"] = _postgres.ConnectionString(_controlPlane),
        ["SLUICE_Buffer__Provider"] = "nats",
        ["SLUICE_Buffer__Nats__Url"] = natsUrl ?? _nats.Url,
        ["SLUICE_Buffer__Nats__Replicas"] = "3",
        ["SLUICE_Loading__LeaseTimeout"] = "00:00:03",
        ["SLUICE_Hooks__AllowPrivateNetworks"] = "true",
        ["SLUICE_Hooks__TrustedCertificatePath"] = _receiver.CertificatePath,
        ["SLUICE_Hooks__Timeout"] = "00:00:02",
        ["SLUICE_Hooks__OutboxPollInterval"] = "00:00:00.200",
    };

    private string NodeDir(string name)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public async Task TwoNodes_OneNatsServerAndOneNodeKilledMidStream_EveryAcknowledgedRecordLoadedOnceInOrderAndEveryLoadsHookDelivered()
    {
        await using var a = await SluiceProcess.StartAsync(NodeDir("a"), Settings());
        var destination = await CreatePostgresDestinationAsync(a.Api);
        var hook = await CreateHookAsync(a.Api, destination, _receiver.Url("scaleout"));
        var (_, _, webhookUrl) = await CreateSourceAsync(a.Api, "Shop Events");
        var b = await SluiceProcess.StartAsync(NodeDir("b"), Settings(), a.Token);
        var path = new Uri(webhookUrl).PathAndQuery.TrimStart('/');
        var nodes = new[] { a, b };

        // Four clients, each posting in turn to node a and node b, one request at a time, each record with a unique id.
        // A client whose node is gone (connection refused, 503) posts the same body to the other node.
        var acknowledged = new ConcurrentDictionary<int, List<int>>();
        var retried = new ConcurrentDictionary<int, bool>();
        using var stop = new CancellationTokenSource();
        var next = 0;
        var bDown = 0;
        async Task ClientAsync(int client)
        {
            var mine = acknowledged[client] = [];
            var turn = client;
            while (!stop.IsCancellationRequested)
            {
                var id = Interlocked.Increment(ref next);
                var body = $$$"""[{"id":{{{id}}},"client":{{{client}}},"kind":"order.created","total":{"amount":1250,"currency":"eur"}},{"id":{{{id}}},"client":{{{client}}},"kind":"order.line","sku":"SKU-{{{id % 97}}}"}]""";
                for (var attempt = 0; attempt < 50 && !stop.IsCancellationRequested; attempt++)
                {
                    var node = nodes[turn++ % 2];
                    if (node == b && Volatile.Read(ref bDown) == 1)
                    {
                        node = a;
                    }

                    try
                    {
                        if (await TryPostAsync(node.Anonymous, new Uri(node.BaseAddress, path).ToString(), body))
                        {
                            mine.Add(id);
                            break;
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                    }

                    retried[id] = true;
                    await Task.Delay(50);
                }
            }
        }

        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(() => ClientAsync(c))).ToArray();
        await WaitForAsync(a.Api, "SELECT count(*) FROM shop_events.data", rows => long.Parse(rows[0][0], CultureInfo.InvariantCulture) >= 400, TimeSpan.FromSeconds(90));

        // Lose one NATS server (the stream's leader: the hard case, JetStream elects another) and one Sluice node, with
        // loads and posts under way; the survivors go on. nats-server 2.9 takes some seconds to elect a new leader.
        var leader = await _nats.StreamLeaderAsync("SLUICE_RECORDS") ?? 0;
        _nats.Kill(leader);
        Volatile.Write(ref bDown, 1);
        b.Kill();
        var killedAt = acknowledged.Values.Sum(l => l.Count);
        var recovery = System.Diagnostics.Stopwatch.StartNew();
        while (acknowledged.Values.Sum(l => l.Count) < killedAt + 200 && recovery.Elapsed < TimeSpan.FromSeconds(45))
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await Task.WhenAll(clients);
        await b.DisposeAsync();
        var ids = acknowledged.Values.SelectMany(l => l).ToList();
        Assert.True(
            ids.Count >= killedAt + 200,
            $"Only {ids.Count - killedAt} posts were acknowledged in the 45 s after the kills of NATS server n{leader} and node b (of {ids.Count}): the survivors stopped taking posts.\n{a.Output[^Math.Min(4000, a.Output.Length)..]}");

        // Every acknowledged record is in the destination exactly once (two rows per request), and nothing else is.
        var expected = ids.Count * 2;
        await WaitForAsync(a.Api, "SELECT count(*) FROM shop_events.data", rows => long.Parse(rows[0][0], CultureInfo.InvariantCulture) >= expected, TimeSpan.FromSeconds(60));
        var rows = await ReadRowsAsync();
        // A request whose answer was lost (the node killed after JetStream stored it, or an acknowledgement that came too
        // late) and that the client sent again is stored twice, under two sequences, as with any webhook receiver; a record
        // loaded twice would have one sequence twice.
        var twice = rows.GroupBy(r => (r.Id, r.Kind)).Where(g => g.Count() > 1).ToList();
        var duplicated = twice.Where(g => !retried.ContainsKey(g.Key.Id) || g.Select(r => r.Sequence).Distinct().Count() < g.Count())
            .Select(g => $"{g.Key.Id} {g.Key.Kind} at {string.Join(" and ", g.Select(r => r.Sequence))}").ToList();
        var resent = twice.Select(g => g.Key.Id).Distinct().Count();
        var lost = ids.Except(rows.Select(r => r.Id)).ToList();
        Assert.True(duplicated.Count == 0 && lost.Count == 0, $"{ids.Count} requests acknowledged; {lost.Count} lost (e.g. {string.Join(", ", lost.Take(5))}), {duplicated.Count} duplicated (e.g. {string.Join(", ", duplicated.Take(5))}).");
        Assert.Equal(expected + (resent * 2), rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => r.Sequence).Distinct().Count());

        // In order: each client's requests (sent one after another) are in the order it sent them, the two records of
        // a request next to each other, whichever node took them.
        foreach (var (client, sent) in acknowledged)
        {
            var order = rows.Where(r => r.Client == client).Select(r => r.Id).ToList();
            Assert.Equal(sent, order.Distinct());
        }

        var inRequest = rows.GroupBy(r => r.Id).Select(g => g.OrderBy(r => r.Sequence).Take(2).ToList());
        Assert.All(inRequest, pair => Assert.Equal(["order.created", "order.line"], pair.Select(r => r.Kind)));
        Assert.All(inRequest, pair => Assert.Equal(pair[0].Sequence + 1, pair[1].Sequence));

        // The post-load hook of every load was delivered (each load once, whichever node loaded it).
        var (_, loads, loadsError) = await QueryAsync(a.Api, "SELECT count(*) FROM _sluice._sluice_loads");
        Assert.Null(loadsError);
        var loadCount = int.Parse(loads[0][0], CultureInfo.InvariantCulture);
        await WaitForDeliveredAsync(a.Api, hook, loadCount);
        var received = _receiver.Requests("scaleout").Select(r => r.Header("webhook-id")).Distinct().Count();
        Assert.Equal(loadCount, received);
    }

    [Fact]
    public async Task TwoNodes_StartedAtTheSameMoment_CreateOneAccountAndOneFirstUserBetweenThem()
    {
        var starting = new[] { "x", "y" }.Select(name => SluiceProcess.StartAsync(NodeDir("same-" + name), Settings(), waitForToken: false)).ToArray();
        await using var x = await starting[0];
        await using var y = await starting[1];

        var tokens = new[] { x, y }.Select(n => Path.Combine(n.DataDir, "admin-token")).Where(File.Exists).ToList();
        var passwords = new[] { x, y }.Select(n => Path.Combine(n.DataDir, "admin-password")).Where(File.Exists).ToList();
        Assert.Single(tokens);
        Assert.Single(passwords);
        await using var control = new Npgsql.NpgsqlConnection(_postgres.ConnectionString(_controlPlane));
        await control.OpenAsync();
        await using (var accounts = new Npgsql.NpgsqlCommand("SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM users)", control))
        await using (var reader = await accounts.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(1L, reader.GetInt64(0));
            Assert.Equal(1L, reader.GetInt64(1));
        }

        // The one token works on both nodes.
        var token = (await File.ReadAllTextAsync(tokens[0])).Trim();
        foreach (var node in new[] { x, y })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node.BaseAddress, "v4/sources"));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await node.Anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Node_StartedWhileNatsIsDown_Answers503ToIngestThen200OnceNatsIsUp()
    {
        await using var a = await SluiceProcess.StartAsync(NodeDir("first"), Settings());
        await CreatePostgresDestinationAsync(a.Api);
        var (_, _, webhookUrl) = await CreateSourceAsync(a.Api, "Late Nats");
        await a.DisposeAsync();
        _nats.KillAll();

        await using var node = await SluiceProcess.StartAsync(NodeDir("late"), Settings(), a.Token);
        var url = new Uri(node.BaseAddress, new Uri(webhookUrl).PathAndQuery.TrimStart('/'));
        using (var content = new StringContent("""{"id":1,"event":"delivered"}""", Encoding.UTF8, "application/json"))
        using (var refused = await node.Anonymous.PostAsync(url, content))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("the buffer cannot store records", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var ready = await node.Anonymous.GetAsync(new Uri(node.BaseAddress, "readyz")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        await _nats.StartAllAsync();
        await Eventually.AssertAsync(
            () => TryPostAsync(node.Anonymous, url.ToString(), """{"id":2,"event":"delivered"}"""),
            "ingest answers 200 after NATS came up",
            TimeSpan.FromSeconds(30),
            () => node.Output,
            TimeSpan.FromMilliseconds(200));

        using (var ready = await node.Anonymous.GetAsync(new Uri(node.BaseAddress, "readyz")))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        try
        {
            await WaitForAsync(node.Api, "SELECT id FROM late_nats.data", rows => rows.Count == 1 && rows[0][0] == "2", TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidOperationException(ex.Message + "\n" + node.Output, ex);
        }
    }

    /// <summary>The destination table's rows straight from PostgreSQL (the query API returns at most 10,000).</summary>
    private async Task<List<(int Id, int Client, string Kind, long Sequence)>> ReadRowsAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(_postgres.ConnectionString(_warehouse));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT id, client, kind, _sdc_sequence FROM shop_events.data ORDER BY _sdc_sequence", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, int, string, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((
                Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture),
                reader.GetString(2),
                Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture)));
        }

        return rows;
    }

    private async Task<long> CreatePostgresDestinationAsync(HttpClient api)
    {
        using var response = await api.PostAsJsonAsync("v4/destinations", new
        {
            type = "postgres",
            connection = new { host = "127.0.0.1", port = _postgres.Port, username = _postgres.Username, password = _postgres.Password, database = _warehouse, sslmode = "disable" },
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("id").GetInt64();
    }

    private static async Task<long> CreateHookAsync(HttpClient api, long destination, string url)
    {
        using var response = await api.PostAsJsonAsync(Hooks, new { type = "post_load", destination_id = destination, config = new { url } });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("id").GetInt64();
    }

    private static async Task WaitForDeliveredAsync(HttpClient api, long hook, int loads)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var (total, succeeded) = (0, 0);
            for (var number = 1; ; number++)
            {
                var page = await api.GetFromJsonAsync<JsonElement>($"{Hooks}/{hook}/deliveries?page={number}");
                var deliveries = page.GetProperty("deliveries").EnumerateArray().ToList();
                total = page.GetProperty("total").GetInt32();
                succeeded += deliveries.Count(d => d.GetProperty("status").GetString() == "succeeded");
                if (deliveries.Count == 0 || number * page.GetProperty("page_size").GetInt32() >= total)
                {
                    break;
                }
            }

            if (succeeded == loads && total == loads)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{succeeded} of {total} deliveries succeeded after 60 s, for {loads} loads.");
            await Task.Delay(200);
        }
    }
}
