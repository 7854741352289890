using System.Net.Http.Json;
using System.Text.Json;
using Sluice.Testing;
using static Sluice.Cli.Tests.EndToEnd.Http;

namespace Sluice.Cli.Tests.EndToEnd;

/// <summary>
/// <c>sluice serve</c> with the standard OpenTelemetry variables pointing at a real OTLP/HTTP receiver: a record's way is
/// exported as spans (ingest request, group commit, load with its part and transaction, hook attempt), and one trace holds
/// a load and its deliveries, which run later from the outbox.
/// </summary>
public sealed class TracingTests : IAsyncLifetime
{
    private const string Hooks = "notifications/public/v1/api/hooks";
    private const string IngestRoute = "POST /v1/clients/{client_id}/token/{token}";

    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "sluice-tracing-" + Guid.NewGuid().ToString("N"));
    private HookReceiver hooks = null!;
    private OtlpReceiver otlp = null!;

    public async Task InitializeAsync()
    {
        hooks = await HookReceiver.StartAsync();
        otlp = await OtlpReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await hooks.DisposeAsync();
        await otlp.DisposeAsync();
        SluiceServer.TryDelete(dataDir);
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp.Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["SLUICE_Hooks__AllowPrivateNetworks"] = "true",
        ["SLUICE_Hooks__TrustedCertificatePath"] = hooks.CertificatePath,
    };

    [Fact]
    public async Task Serve_WithOtlpEndpoint_ExportsIngestCommitLoadAndHookAttemptSpans_OneTracePerLoadAndItsDeliveries()
    {
        await using var server = await SluiceProcess.StartAsync(dataDir, Environment());
        var destinations = await server.Api.GetFromJsonAsync<JsonElement>("v4/destinations");
        var destination = destinations.EnumerateArray().Single().GetProperty("id").GetInt64();
        using (var created = await server.Api.PostAsJsonAsync(Hooks, new { type = "post_load", destination_id = destination, config = new { url = hooks.Url("traced") } }))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var (_, _, webhookUrl) = await CreateSourceAsync(server.Api, "Traced Events", "id");
        var token = webhookUrl[(webhookUrl.LastIndexOf('/') + 1)..];
        await PostAsync(server.Anonymous, webhookUrl, """[{"id":1,"tags":["a","b"]},{"id":2}]""");
        await PostAsync(server.Anonymous, webhookUrl, """{"id":3}""");
        var delivered = (await hooks.WaitForRequestsAsync("traced", 1, TimeSpan.FromSeconds(30)))[0];

        var spans = await otlp.WaitForAsync(s => s.Any(x => x.Name == "sluice.hook.attempt") && s.Count(x => x.Name == IngestRoute) >= 2, "hook attempt and both ingest requests");
        Assert.All(otlp.Paths, p => Assert.Equal("/v1/traces", p));
        Assert.All(spans, s => Assert.Equal("sluice", s.Resource["service.name"]));

        // The ingest requests: ASP.NET Core's server spans, tagged with the source and records; the token never recorded.
        var ingests = spans.Where(s => s.Name == IngestRoute).ToList();
        Assert.All(ingests, s => Assert.Equal(SpanKind.Server, s.Kind));
        Assert.Equal([2L, 1L], ingests.OrderBy(s => s.StartUnixNano).Select(s => (long)s["sluice.records"]!).ToArray());
        Assert.All(spans, s => Assert.DoesNotContain(token, s.ToString(), StringComparison.Ordinal));
        Assert.All(ingests, s => Assert.EndsWith("/token/{token}", (string)s["url.path"]!, StringComparison.Ordinal));

        // Each request is linked from the group commit that made its records durable before it was answered.
        var commits = spans.Where(s => s.Name == "sluice.buffer.commit").ToList();
        foreach (var ingest in ingests)
        {
            var commit = Assert.Single(commits, c => c.Links.Contains(new SpanLink(ingest.TraceId, ingest.SpanId)));
            Assert.True(commit.StartUnixNano >= ingest.StartUnixNano && commit.EndUnixNano <= ingest.EndUnixNano, $"{commit} outside {ingest}");
        }

        Assert.Equal(3L, commits.Where(c => c.Links.Any(l => ingests.Any(i => i.SpanId == l.SpanId))).Sum(c => (long)c["sluice.records"]!));

        // Loads: roots of their own traces, with a part and a destination transaction as children; no span for a look that found nothing.
        var loads = spans.Where(s => s.Name == "sluice.load").ToList();
        Assert.NotEmpty(loads);
        Assert.All(loads, l => Assert.NotNull(l["sluice.load_id"]));
        Assert.All(loads, l => Assert.Equal(string.Empty, l.ParentSpanId));
        Assert.Equal(3L, loads.Sum(l => (long)l["sluice.records"]!));
        Assert.Equal(5L, loads.Sum(l => (long)l["sluice.rows"]!));
        foreach (var load in loads)
        {
            var parts = spans.Where(s => s.Name == "sluice.load.part" && s.ParentSpanId == load.SpanId).ToList();
            Assert.NotEmpty(parts);
            Assert.All(parts, p => Assert.Equal(load.TraceId, p.TraceId));
            Assert.Equal((long)load["sluice.records"]!, parts.Sum(p => (long)p["sluice.records"]!));
            var transaction = Assert.Single(spans, s => s.Name == "sluice.load.transaction" && s.ParentSpanId == load.SpanId);
            Assert.Equal("duckdb", transaction["sluice.destination"]);
            Assert.True(parts.Max(p => p.EndUnixNano) <= transaction.EndUnixNano);
        }

        // The hook attempt runs later, from the outbox, yet is a child of the load whose delivery it sends.
        var attempt = spans.First(s => s.Name == "sluice.hook.attempt");
        var loadOfAttempt = loads.SingleOrDefault(l => l.SpanId == attempt.ParentSpanId);
        Assert.True(loadOfAttempt is not null, $"The hook attempt {attempt} is not a child of a load; spans:\n{string.Join("\n", spans)}");
        Assert.Equal(loadOfAttempt.TraceId, attempt.TraceId);
        Assert.Equal(loadOfAttempt["sluice.load_id"], attempt["sluice.load_id"]);
        Assert.Equal(200L, attempt["http.response.status_code"]);
        Assert.Equal(1L, attempt["sluice.attempt"]);
        Assert.Equal(delivered.Header("webhook-id"), attempt["sluice.webhook_id"]);
        // The load's span goes on past its commit (the buffer lets go of the records), while the outbox may already send:
        // the commit is the end of the load's transaction.
        var committed = Assert.Single(spans, s => s.Name == "sluice.load.transaction" && s.ParentSpanId == loadOfAttempt.SpanId);
        Assert.True(attempt.StartUnixNano >= committed.EndUnixNano, "the attempt starts after its load committed");

        // The hook request carries the load's trace (its parent is HttpClient's own request span, under the attempt), so a
        // receiver that traces joins the same trace.
        Assert.StartsWith($"00-{attempt.TraceId}-", delivered.Header("traceparent"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WithoutOtlpEndpoint_SendsHooksWithoutTraceContext()
    {
        var environment = Environment();
        environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        await using var server = await SluiceProcess.StartAsync(dataDir, environment);
        var destinations = await server.Api.GetFromJsonAsync<JsonElement>("v4/destinations");
        var destination = destinations.EnumerateArray().Single().GetProperty("id").GetInt64();
        using (var created = await server.Api.PostAsJsonAsync(Hooks, new { type = "post_load", destination_id = destination, config = new { url = hooks.Url("untraced") } }))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var (_, _, webhookUrl) = await CreateSourceAsync(server.Api, "Untraced Events");
        await PostAsync(server.Anonymous, webhookUrl, """{"n":1}""");
        var delivered = (await hooks.WaitForRequestsAsync("untraced", 1, TimeSpan.FromSeconds(30)))[0];

        Assert.False(delivered.Headers.ContainsKey("traceparent"), string.Join(", ", delivered.Headers.Keys));
    }
}
