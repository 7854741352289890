using System.Text;
using Sluice.Core.Buffering;
using Sluice.Core.Sources;
using Sluice.Server.Buffering;
using Sluice.Server.Tests.Api;
using Sluice.Server.Tests.Ingestion;
using Sluice.Testing;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Loading;

/// <summary>A load moves its records into buffer.db's raw archive (Buffer:Retention), which the source's stats show.</summary>
public sealed class ArchiveTests
{
    [Fact]
    public async Task Load_MovesTheRecordsToTheArchive_WithTheirHeaders_AndTheStatsShowIt()
    {
        var layouts = new LayoutResolver.Layouts();
        await using var server = await StartAsync(layouts);
        var source = await server.CreateSourceAsync(server.Api, "Archive Source");
        layouts[source.Id] = new SourceLayout(null, ["X-Delivery"], null);
        var before = await ApiCall.GetAsync(server.Api, $"v4/sources/{source.Id}/stats");
        Assert.Equal(0, before.Json.GetProperty("archive_records").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, before.Json.GetProperty("archive_oldest_received_at").ValueKind);

        await PostAsync(server, source.WebhookUrl, """[{"n":1},{"n":2}]""", "d-1");
        await PostAsync(server, source.WebhookUrl, """{"n":3}""", "d-2");

        ApiCall stats = null!;
        await Eventually.AssertAsync(
            async () =>
            {
                stats = await ApiCall.GetAsync(server.Api, $"v4/sources/{source.Id}/stats");
                return stats.Json.GetProperty("archive_records").GetInt64() == 3;
            },
            "the loaded records are archived");
        AssertRows(["3"], Rows(await QueryAsync(server.Api, "SELECT count(*) FROM archive_source.data")));
        Assert.Equal(0, stats.Json.GetProperty("rows_to_be_loaded").GetInt64());
        Assert.Equal(21, stats.Json.GetProperty("archive_bytes").GetInt64());
        Assert.EndsWith("Z", stats.Json.GetProperty("archive_oldest_received_at").GetString(), StringComparison.Ordinal);
        var buffer = server.GetService<IRecordBuffer>();
        var archived = await buffer.ReadArchivedAsync(source.Id, 0, 100, long.MaxValue, CancellationToken.None);
        Assert.Equal(["""{"n":1}""", """{"n":2}""", """{"n":3}"""], archived.Select(r => r.Json));
        Assert.Equal(["d-1", "d-1", "d-2"], archived.Select(r => r.Headers!["x-delivery"]));
        Assert.Empty(await buffer.ReadAsync(source.Id, 0, 100, long.MaxValue, CancellationToken.None));
    }

    [Fact]
    public async Task Load_RetentionZero_DeletesTheRecordsAsBefore()
    {
        await using var server = await StartAsync(new LayoutResolver.Layouts(), ("Buffer:Retention", "00:00:00"));
        var source = await server.CreateSourceAsync(server.Api, "No Archive");

        await PostAsync(server, source.WebhookUrl, """[{"n":1},{"n":2},{"n":3}]""", "d");

        await WaitForRowsAsync(server.Api, "SELECT n FROM no_archive.data", 3);
        var buffer = server.GetService<IRecordBuffer>();
        await Eventually.AssertAsync(async () => (await buffer.GetPendingAsync(CancellationToken.None)).Count == 0, "the buffer is emptied");
        Assert.Equal(ArchiveStats.Empty, await buffer.GetArchiveAsync(source.Id, CancellationToken.None));
        Assert.Empty(await buffer.ReadArchivedAsync(source.Id, 0, 100, long.MaxValue, CancellationToken.None));
        var stats = await ApiCall.GetAsync(server.Api, $"v4/sources/{source.Id}/stats");
        Assert.Equal(0, stats.Json.GetProperty("archive_records").GetInt64());
    }

    /// <summary>Loads start for full batches of 3 records; the layout seam gives sources their kept headers.</summary>
    private static Task<SluiceServer> StartAsync(LayoutResolver.Layouts layouts, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Loading:Interval"] = "01:00:00",
            ["Loading:MaxRecords"] = "3",
            ["Loading:PollInterval"] = "00:00:00.05",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return SluiceServer.StartAsync(builder => LayoutResolver.Register(builder.Services, layouts), settings);
    }

    private static async Task PostAsync(SluiceServer server, string url, string json, string delivery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Delivery", delivery);
        using var response = await server.Anonymous.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
