namespace Sluice.Cli.Tests.Cli;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_FreshDataDir_WritesUrlAndTokenSoOtherCommandsNeedNoFlags_AndStopsOnCancel()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sluice-cli-serve-" + Guid.NewGuid().ToString("N"));
        using var stop = new CancellationTokenSource();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var env = new CliEnvironment(TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), _ => null);
        var serve = SluiceCli.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data-dir", dataDir, "--Logging:LogLevel:Default=Warning"], env, stop.Token);
        try
        {
            var serverUrl = Path.Combine(dataDir, "server-url");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(serverUrl) || (await File.ReadAllTextAsync(serverUrl)).Trim().Length == 0)
            {
                Assert.False(serve.IsCompleted, $"serve stopped early: {stderr}");
                Assert.True(DateTime.UtcNow < deadline, "serve did not write server-url within 30 s");
                await Task.Delay(50);
            }

            var created = await CliRunner.RunAsync("sources", "create", "Shop Events", "--primary-key", "id", "--data-dir", dataDir);
            created.AssertSuccess();
            Assert.Contains("/v1/clients/1/token/", created.Out, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await serve.WaitAsync(TimeSpan.FromSeconds(30)));
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_InvalidPublicBaseUrl_ExitsOneWithOneLine()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sluice-cli-serve-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = await CliRunner.RunAsync("serve", "--urls", "http://127.0.0.1:0", "--data-dir", dataDir, "--public-base-url", "not a url");

            var line = result.AssertOneLineError(1);
            Assert.Contains("PublicBaseUrl", line, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dataDir))
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(dataDir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Serve_UnreachablePostgresControlPlane_ExitsOneWithOneLineNamingTheSetting()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sluice-cli-serve-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = await CliRunner.RunAsync(
                "serve", "--urls", "http://127.0.0.1:0", "--data-dir", dataDir, "--ControlPlane:Provider=postgres",
                "--ControlPlane:ConnectionString=Host=127.0.0.1;Port=1;Database=sluice;Username=sluice;Password=secret");

            var line = result.AssertOneLineError(1);
            Assert.Contains("control plane (postgres) cannot be reached", line, StringComparison.Ordinal);
            Assert.Contains("127.0.0.1:1", line, StringComparison.Ordinal);
            Assert.Contains("ControlPlane:ConnectionString", line, StringComparison.Ordinal);
            Assert.DoesNotContain("transient failure", line, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dataDir))
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }
    }
}
