using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Sluice.Reliability.Tests.Support;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Reliability.Tests.Fuzzing;

/// <summary>
/// Black-box fuzzing of <c>sluice serve</c> as a process: seeded mutations of GitHub, Stripe and SendGrid deliveries posted
/// by 8 clients at once to one source, valid posts with unique ids among them. What a user would notice is asserted: no 5xx,
/// every request answered in time with the documented status and a specific error, the process alive, every acknowledged
/// valid record loaded exactly once (and nothing of a refused body), the loader caught up afterwards and still loading.
/// RELIABILITY_FUZZ_BODIES sets the number of bodies (default 10,000); RELIABILITY_FUZZ_SEED replays a run.
/// </summary>
public sealed class IngestFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Senders = 8;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "sluice-fuzz-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(dataDir))
        {
            Directory.Delete(dataDir, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Serve_FuzzedWebhookBodies_NeverFailsAndLoadsEveryAcknowledgedRecordOnce()
    {
        var bodies = EnvInt("RELIABILITY_FUZZ_BODIES") ?? 10_000;
        var seed = EnvInt("RELIABILITY_FUZZ_SEED") ?? Random.Shared.Next();
        output.WriteLine($"Fuzzing {bodies:N0} bodies with seed {seed} (replay: RELIABILITY_FUZZ_SEED={seed} RELIABILITY_FUZZ_BODIES={bodies}).");
        var mutator = new BodyMutator(seed, bodies);
        var clock = Stopwatch.StartNew();

        await using var server = await SluiceProcess.StartAsync(dataDir, new Dictionary<string, string>
        {
            ["SLUICE_Logging__LogLevel__Default"] = "Warning",
        });
        var source = await Api.CreateSourceAsync(server.Api, "Fuzz Target");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Senders * 2 }) { Timeout = RequestTimeout };

        // Body 0 is valid and loads first, so fuzz_valid_n is a real bigint column before any wide body fills the table.
        var tally = new FuzzTally();
        var first = mutator.Make(0);
        await SendAndCheckAsync(http, source.WebhookUrl, 0, first, tally);
        await FuzzApi.WaitForAsync(server.Api, $"SELECT count(*) FROM {source.Schema}.data", rows => rows[0][0] == first.Records.ToString(CultureInfo.InvariantCulture), TimeSpan.FromSeconds(30));

        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < bodies)
            {
                await SendAndCheckAsync(http, source.WebhookUrl, index, mutator.Make(index), tally);
            }
        })));
        var sentIn = clock.Elapsed;
        output.WriteLine($"Sent {bodies:N0} bodies in {sentIn.TotalSeconds:0.0} s.");
        output.WriteLine(tally.Render());

        using (var health = await server.Anonymous.GetAsync(new Uri(server.BaseAddress, "healthz")))
        {
            Assert.True(health.StatusCode == HttpStatusCode.OK, $"/healthz answered {(int)health.StatusCode} after the fuzzing.\n{Tail(server.Output)}");
        }

        Assert.True(tally.Failures.IsEmpty, $"{tally.Failures.Count} bodies broke the ingest contract, e.g.:\n{string.Join("\n", tally.Failures.Take(15))}\n{Tail(server.Output)}");

        // The loader catches up: nothing left pending, whatever the fuzzed records held. 10,000 bodies leave about 300,000
        // rows for a table the 10,000-key objects made full width (about 1,600 columns, where DuckDB writes every column of
        // every row): 88-137 s on the 2-core development VM; RELIABILITY_FUZZ_CATCHUP_SECONDS changes the bound.
        var catchUp = TimeSpan.FromSeconds(EnvInt("RELIABILITY_FUZZ_CATCHUP_SECONDS") ?? 240);
        var stats = await FuzzApi.WaitForStatsAsync(server.Api, source.Id, s => s.GetProperty("rows_to_be_loaded").GetInt64() == 0, catchUp, server.Output);
        var caughtUpIn = clock.Elapsed;
        output.WriteLine($"Loader caught up {(caughtUpIn - sentIn).TotalSeconds:0.0} s after the last body; last_load_error: {stats.GetProperty("last_load_error")}.");

        await ReportRejectionsAsync(server.Api, source.Schema);
        await AssertLoadedExactlyOnceAsync(server.Api, source.Schema, tally);

        // And it still loads: a fresh valid post shows up within 30 s.
        var fresh = (bodies + 1) * BodyMutator.IdStride;
        await FuzzApi.PostAsync(http, source.WebhookUrl, $$"""{"fuzz_valid_n":{{fresh}},"after":"fuzzing"}""");
        var freshClock = Stopwatch.StartNew();
        await FuzzApi.WaitForAsync(server.Api, $"SELECT count(*) FROM {source.Schema}.data WHERE fuzz_valid_n = {fresh}", rows => rows[0][0] == "1", TimeSpan.FromSeconds(30));
        output.WriteLine($"A fresh post loaded in {freshClock.Elapsed.TotalSeconds:0.0} s; whole run {clock.Elapsed.TotalSeconds:0.0} s.");
        var notifications = await FuzzApi.GetJsonAsync(server.Api, "v4/notifications");
        output.WriteLine($"Notifications: {notifications.GetArrayLength()}");
        foreach (var notification in notifications.EnumerateArray().Take(10))
        {
            output.WriteLine("  " + notification.GetProperty("message").GetString());
        }
    }

    private static async Task SendAndCheckAsync(HttpClient http, string webhookUrl, int index, FuzzBody body, FuzzTally tally)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, webhookUrl);
        HttpContent content = body.Chunked ? new ChunkedContent(body.Bytes, index) : new ByteArrayContent(body.Bytes);
        if (body.ContentType is { } contentType)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        request.Content = content;
        var clock = Stopwatch.StartNew();
        int status;
        string text;
        try
        {
            using var response = await http.SendAsync(request);
            status = (int)response.StatusCode;
            text = await response.Content.ReadAsStringAsync();
        }
        catch (TaskCanceledException)
        {
            tally.Fail(index, body, $"no answer within {RequestTimeout.TotalSeconds:0} s");
            return;
        }
        catch (HttpRequestException ex) when (body.Expect == FuzzExpect.TooLarge)
        {
            // The server answers 413 before the body is read and closes the connection; a client still sending may see
            // only the close. Whether the process is still up is checked right after.
            tally.Count(body, "413 (closed while sending)");
            using var health = await http.GetAsync(new Uri(new Uri(webhookUrl), "/healthz"));
            if (health.StatusCode != HttpStatusCode.OK)
            {
                tally.Fail(index, body, $"connection closed ({ex.Message}) and /healthz answered {(int)health.StatusCode}");
            }

            return;
        }
        catch (HttpRequestException ex)
        {
            tally.Fail(index, body, $"request failed: {ex.Message}");
            return;
        }

        tally.Count(body, status.ToString(CultureInfo.InvariantCulture));
        var problem = Check(body, status, text);
        if (problem is not null)
        {
            tally.Fail(index, body, $"{problem} (answer {status} {Cut(text)}, {clock.ElapsedMilliseconds} ms)");
            return;
        }

        if (status == 200)
        {
            tally.Acknowledged(body.IdCount > 0 ? body : body with { Records = body.Records > 0 ? body.Records : CountRecords(body.Bytes) });
        }
        else if (body.IdCount > 0)
        {
            tally.Refused(body);
        }
    }

    /// <summary>What is wrong with answer <paramref name="status"/> <paramref name="text"/> to <paramref name="body"/>; null when it is right.</summary>
    private static string? Check(FuzzBody body, int status, string text)
    {
        if (status >= 500)
        {
            return "a 5xx";
        }

        if (status == 200)
        {
            return body.Expect is FuzzExpect.Accepted or FuzzExpect.AcceptedOrMalformed
                ? text.Contains("Batch Accepted!", StringComparison.Ordinal) ? null : "a 200 without the documented body"
                : $"accepted, expected {body.Expect}";
        }

        var error = ErrorFields(text);
        switch (status)
        {
            case 400 when body.Expect is FuzzExpect.Malformed or FuzzExpect.AcceptedOrMalformed:
                if (error is not ("ERROR", "Malformed json in the body!", { Length: > 10 } reason))
                {
                    return "a 400 without the documented body and a reason";
                }

                if (body.ErrorMustContain is { } part && !reason.Contains(part, StringComparison.Ordinal))
                {
                    return $"a 400 whose reason does not say '{part}'";
                }

                // A reason names where or what: a position, a byte offset, the limit, or what was found instead.
                return reason.Contains("(line ", StringComparison.Ordinal) || reason.Contains("byte offset", StringComparison.Ordinal)
                    || reason.Contains("Expected ", StringComparison.Ordinal) || reason.StartsWith("The body is empty", StringComparison.Ordinal)
                    ? null : "a 400 whose reason names no place";
            case 413 when body.Expect == FuzzExpect.TooLarge:
                return error is ("ERROR", { } message, { } limit) && message.StartsWith("Request rejected", StringComparison.Ordinal)
                    && limit.Contains("smaller than", StringComparison.Ordinal) ? null : "a 413 without the documented body";
            case 415 when body.Expect == FuzzExpect.Unsupported:
                return error is ("ERROR", { } unsupported, _) && unsupported.Contains("Unsupported content type", StringComparison.Ordinal)
                    ? null : "a 415 without the documented body";
            default:
                return $"answered {status}, expected {body.Expect}";
        }
    }

    private static (string? Status, string? Message, string? Error)? ErrorFields(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            return root.ValueKind != JsonValueKind.Object ? null : (Field(root, "status"), Field(root, "message"), Field(root, "error"));
        }
        catch (JsonException)
        {
            return null;
        }

        static string? Field(JsonElement root, string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    /// <summary>The records of an accepted body as the contract counts them: an object is one, an array one per element.</summary>
    private static int CountRecords(byte[] bytes)
    {
        using var json = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = BodyMutator.MaxDepth });
        return json.RootElement.ValueKind == JsonValueKind.Array ? json.RootElement.GetArrayLength() : 1;
    }

    /// <summary>
    /// Every acknowledged valid id is in the table once; no id of a refused body is; and every acknowledged record is a row
    /// of <c>data</c> or a row of <c>_sdc_rejected</c>, once.
    /// </summary>
    private async Task AssertLoadedExactlyOnceAsync(HttpClient api, string schema, FuzzTally tally)
    {
        var expected = tally.ExpectedIds();
        var (rows, error) = await Api.QueryAsync(api,
            $"SELECT count(*), count(DISTINCT fuzz_valid_n), CAST(coalesce(sum(fuzz_valid_n), 0) AS VARCHAR) FROM {schema}.data WHERE fuzz_valid_n IS NOT NULL");
        Assert.Null(error);
        output.WriteLine($"Valid records: {expected.Count:N0} acknowledged, {rows[0][0]} rows with an id ({rows[0][1]} distinct).");
        var (duplicates, _) = await Api.QueryAsync(api, $"SELECT fuzz_valid_n, count(*) FROM {schema}.data WHERE fuzz_valid_n IS NOT NULL GROUP BY 1 HAVING count(*) > 1 LIMIT 20");
        Assert.True(duplicates.Count == 0, "Loaded more than once: " + string.Join(", ", duplicates.Select(d => $"{d[0]} x{d[1]}")));
        if (!tally.RefusedIds.IsEmpty)
        {
            var (stored, _) = await Api.QueryAsync(api, $"SELECT fuzz_valid_n FROM {schema}.data WHERE fuzz_valid_n IN ({string.Join(',', tally.RefusedIds)})");
            Assert.True(stored.Count == 0, "Stored although refused: " + string.Join(", ", stored.Select(s => s[0])));
        }

        Assert.Equal(expected.Count.ToString(CultureInfo.InvariantCulture), rows[0][0]);
        Assert.Equal(expected.Count.ToString(CultureInfo.InvariantCulture), rows[0][1]);
        Assert.Equal(expected.Sum().ToString(CultureInfo.InvariantCulture), rows[0][2]);

        var (totals, totalError) = await Api.QueryAsync(api,
            $"SELECT (SELECT count(*) FROM {schema}.data), (SELECT count(*) FROM {schema}._sdc_rejected)");
        Assert.Null(totalError);
        output.WriteLine($"All records: {tally.AcknowledgedRecords:N0} acknowledged; {totals[0][0]} rows in data, {totals[0][1]} rejected.");
        Assert.Equal(tally.AcknowledgedRecords, long.Parse(totals[0][0], CultureInfo.InvariantCulture) + long.Parse(totals[0][1], CultureInfo.InvariantCulture));
    }

    private async Task ReportRejectionsAsync(HttpClient api, string schema)
    {
        var (rows, error) = await Api.QueryAsync(api, $"SELECT left(reason, 90) AS r, count(*) FROM {schema}._sdc_rejected GROUP BY r ORDER BY 2 DESC LIMIT 15");
        output.WriteLine(error is null ? "Rejections (first 90 characters of the reason):" : $"Rejections: {error}");
        foreach (var row in rows)
        {
            output.WriteLine($"  {row[1],7}  {row[0]}");
        }
    }

    private static int? EnvInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300] + "...";

    private static string Tail(string text) => "Server output (tail):\n" + (text.Length <= 4000 ? text : text[^4000..]);
}
