using System.Net;
using System.Text.RegularExpressions;
using Sluice.Server.Tests.Loading;
using Sluice.Testing;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Operations;

/// <summary>
/// Runs alone: the exporter listens to every meter named "Sluice" in the process, so servers of tests running in
/// parallel would add to the counts (in production a process hosts one server).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics (alone)";
}

/// <summary><c>/metrics</c>: Prometheus text a scraper reads without a token, counting what Sluice accepted and loaded.</summary>
[Collection(MetricsCollection.Name)]
public sealed partial class MetricsTests : IAsyncLifetime
{
    private SluiceServer server = null!;

    public async Task InitializeAsync() => server = await SluiceServer.StartAsync(settings: new Dictionary<string, string?>(FastLoadingServer.Settings));

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Metrics_AfterPostsAndALoad_CountRecordsAcceptedLoadsAndRows()
    {
        var source = await server.CreateSourceAsync(server.Api, "Metered Events", "id");
        await PostAsync(server.Anonymous, source.WebhookUrl, """[{"id":1,"tags":["a","b"]},{"id":2}]""");
        await PostAsync(server.Anonymous, source.WebhookUrl, """{"id":3}""");
        await WaitForRowsAsync(server.Api, "SELECT id FROM metered_events.data", 3);

        string text = "";
        await Eventually.AssertAsync(
            async () =>
            {
                using var response = await server.Anonymous.GetAsync(new Uri("/metrics", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
                text = await response.Content.ReadAsStringAsync();
                return Value(text, "sluice_load_rows_total") >= 5;
            },
            "the load's rows in /metrics");

        Assert.Equal(3, Value(text, "sluice_ingest_records_total"));
        // 3 rows in data and 2 in data__tags, over however many loads the loader made of them.
        Assert.Equal(5, Value(text, "sluice_load_rows_total"));
        Assert.True(Value(text, "sluice_loads_total", "outcome=\"succeeded\"") >= 1, text);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);

        // A seconds histogram has bounds in seconds: a part planned in a few milliseconds falls under 0.25 s, not under "5".
        Assert.True(Value(text, "sluice_load_plan_duration_seconds_count") >= 1, text);
        Assert.Equal(Value(text, "sluice_load_plan_duration_seconds_count"), Value(text, "sluice_load_plan_duration_seconds_bucket", "le=\"0.25\""));
        Assert.Equal(0, Value(text, "sluice_load_plan_duration_seconds_bucket", "le=\"5000\""));
        Assert.DoesNotContain("sluice_load_plan_duration_seconds_bucket{le=\"5000\"", text, StringComparison.Ordinal);
    }

    private static double Value(string text, string name, string label = "")
    {
        foreach (var line in text.Split('\n'))
        {
            if ((line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
                && line.Contains(label, StringComparison.Ordinal)
                && SampleValue().Match(line) is { Success: true } match)
            {
                return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    [GeneratedRegex(@"\}?\s([0-9.eE+-]+)(\s\d+)?$")]
    private static partial Regex SampleValue();
}
