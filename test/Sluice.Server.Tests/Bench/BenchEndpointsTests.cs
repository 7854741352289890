using System.Net;
using System.Text;
using Sluice.Server.Bench;
using Sluice.Server.Tests.Ingestion;
using Sluice.Testing;

namespace Sluice.Server.Tests.Bench;

/// <summary><c>POST /bench/baseline</c> and <c>POST /bench/floor</c>, on a server with <c>Sluice:EnableBenchmarkEndpoint</c> on.</summary>
public sealed class BenchEndpointsTests(IngestServerFixture fixture) : IClassFixture<IngestServerFixture>
{
    private const string Accepted = """{"status":"OK","message":"Batch Accepted!"}""";

    private SluiceServer Server => fixture.Server;

    [Fact]
    public async Task PostBaseline_Enabled_ReadsAndAnswers200WithoutStoring()
    {
        using var content = new StringContent("""{"id":1}""", Encoding.UTF8, "application/json");

        using var response = await Server.Anonymous.PostAsync(new Uri("bench/baseline", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Accepted, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PostFloor_Enabled_CommitsTheRecordsIntoTheFloorFileAndAnswers200()
    {
        var floor = Server.GetService<DurableFloorWriter>();
        var before = floor.RecordsWritten;
        var marker = Guid.NewGuid().ToString("N");
        using var content = new StringContent($$"""[{"m":"{{marker}}","n":1},{"m":"{{marker}}","n":2}]""", Encoding.UTF8, "application/json");

        using var response = await Server.Anonymous.PostAsync(new Uri("bench/floor", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Accepted, await response.Content.ReadAsStringAsync());
        Assert.Equal(before + 2, floor.RecordsWritten);
        await using var file = new FileStream(floor.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(file, Encoding.UTF8);
        Assert.Contains($$"""{"m":"{{marker}}","n":1}{"m":"{{marker}}","n":2}""", await reader.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostFloor_MalformedJson_AnswersLikeTheIngestEndpoint()
    {
        var source = await Server.CreateSourceAsync(Server.Api, "Bench " + Guid.NewGuid().ToString("N")[..12]);

        var floor = await PostAsync("bench/floor", """{"id":""");
        var real = await PostAsync(source.WebhookUrl, """{"id":""");

        Assert.Equal(HttpStatusCode.BadRequest, floor.Status);
        Assert.Equal(real, floor);
    }

    [Fact]
    public async Task PostBenchEndpoints_NotEnabled_NotFoundAndNoFloorFile()
    {
        await using var server = await SluiceServer.StartAsync();
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");

        using var response = await server.Anonymous.PostAsync(new Uri("bench/baseline", UriKind.Relative), content);
        using var floor = await server.Anonymous.PostAsync(new Uri("bench/floor", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, floor.StatusCode);
        Assert.False(File.Exists(Path.Combine(server.DataDir, "bench-floor.dat")));
    }

    [Fact]
    public async Task Floor_ServerStops_DrainsAndDeletesItsFile()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sluice-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var server = await SluiceServer.StartAsync(settings: new Dictionary<string, string?>
            {
                ["Sluice:DataDir"] = dataDir,
                ["Sluice:EnableBenchmarkEndpoint"] = "true",
            });
            var floorFile = Path.Combine(dataDir, "bench-floor.dat");
            Assert.True(File.Exists(floorFile));

            await server.DisposeAsync();

            Assert.False(File.Exists(floorFile));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string url, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Server.Anonymous.PostAsync(url, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
