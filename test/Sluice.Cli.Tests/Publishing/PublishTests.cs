using System.Net;
using Sluice.Testing;
using Xunit.Abstractions;
using static Sluice.Cli.Tests.EndToEnd.Http;

namespace Sluice.Cli.Tests.Publishing;

/// <summary>The published linux-x64 executable on its own: no SDK, no files next to it, a fresh data directory.</summary>
public sealed class PublishTests(PublishedSluice published, ITestOutputHelper output) : IClassFixture<PublishedSluice>, IDisposable
{
    private readonly string scratch = Path.Combine(Path.GetTempPath(), "sluice-published-run-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Publish_LinuxX64_OneExecutableThatServesPagesAndLoadsAnEvent()
    {
        var files = Directory.GetFiles(published.OutputDir).Select(f => Path.GetFileName(f)!).ToArray();
        Assert.Equal(["sluice"], files);
        var size = new FileInfo(published.Executable).Length;
        output.WriteLine($"published in {published.PublishTime.TotalSeconds:0} s: {size / (1024.0 * 1024):0} MiB");

        // The native libraries (DuckDB, SQLite) come out of the bundle into this directory, as the systemd unit sets it.
        var extract = Path.Combine(scratch, "extract");
        var environment = new Dictionary<string, string> { ["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = extract };
        await using var server = await SluiceProcess.StartAsync(Path.Combine(scratch, "data"), environment, executable: published.Executable);

        using (var ready = await server.Anonymous.GetAsync(new Uri(server.BaseAddress, "readyz")))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // Razor Pages and the stylesheet are compiled and embedded: the sign-in page renders from the single file.
        var signIn = await server.Anonymous.GetStringAsync(new Uri(server.BaseAddress, "signin"));
        Assert.Contains("/web/site.css", signIn, StringComparison.Ordinal);
        Assert.Contains("<form", signIn, StringComparison.Ordinal);
        var css = await server.Anonymous.GetStringAsync(new Uri(server.BaseAddress, "web/site.css"));
        Assert.True(css.Length > 100, "the stylesheet is empty");

        var source = await CreateSourceAsync(server.Api, "Published Events", primaryKey: "id");
        await PostAsync(server.Anonymous, source.WebhookUrl, """{"id": 7, "status": "paid"}""");
        var (_, rows) = await WaitForAsync(server.Api, "SELECT id, status FROM published_events.data", rows => rows.Count == 1, TimeSpan.FromSeconds(30));
        Assert.Equal("7|paid", Render(rows));
        Assert.Contains(Directory.EnumerateFiles(extract, "*", SearchOption.AllDirectories), f => f.EndsWith("libduckdb.so", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        if (Directory.Exists(scratch))
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
