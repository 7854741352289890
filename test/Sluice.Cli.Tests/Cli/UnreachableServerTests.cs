namespace Sluice.Cli.Tests.Cli;

public sealed class UnreachableServerTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("sluice-cli-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Theory]
    [InlineData("sources list")]
    [InlineData("tokens create --name ci")]
    [InlineData("query select_1 --json")]
    public async Task ApiCommand_NothingListening_ExitsOneWithOneLineNamingTheServer(string commandLine)
    {
        var url = Loopback.ClosedUrl();

        var result = await CliRunner.RunAsync([.. commandLine.Split(' '), "--server", url, "--token", "ac_test"]);

        var line = result.AssertOneLineError(1);
        Assert.Equal($"error: server at {url} is not reachable (connection refused); start it with 'sluice serve'", line);
    }

    [Fact]
    public async Task ApiCommand_NoServerConfiguredAnywhere_SaysTheThreeWaysToGiveIt()
    {
        var result = await CliRunner.RunAsync("sources", "list", "--data-dir", _dataDir);

        var line = result.AssertOneLineError(1);
        Assert.Contains("--server", line, StringComparison.Ordinal);
        Assert.Contains("SLUICE_URL", line, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_dataDir, "server-url"), line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiCommand_ServerButNoToken_SaysTheThreeWaysToGiveIt()
    {
        await File.WriteAllTextAsync(Path.Combine(_dataDir, "server-url"), "http://127.0.0.1:5000\n");

        var result = await CliRunner.RunAsync("sources", "list", "--data-dir", _dataDir);

        var line = result.AssertOneLineError(1);
        Assert.Contains("--token", line, StringComparison.Ordinal);
        Assert.Contains("SLUICE_TOKEN", line, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_dataDir, "admin-token"), line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiCommand_ServerUrlNotHttp_ExitsOneSayingWhatIsExpected()
    {
        var result = await CliRunner.RunAsync("sources", "list", "--server", "127.0.0.1:5000", "--token", "ac_x");

        var line = result.AssertOneLineError(1);
        Assert.Contains("'127.0.0.1:5000' is not an absolute http or https URL", line, StringComparison.Ordinal);
    }
}
