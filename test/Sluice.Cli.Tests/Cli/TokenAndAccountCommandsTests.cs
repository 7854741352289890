namespace Sluice.Cli.Tests.Cli;

public sealed class TokenAndAccountCommandsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Tokens_CreateListRevoke_NewTokenWorksUntilRevoked()
    {
        var created = await fixture.RunAsync("tokens", "create", "--name", "ci-job", "--json");
        created.AssertSuccess();
        var token = created.Json().GetProperty("token").GetString()!;
        var id = created.Json().GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith("ac_", token, StringComparison.Ordinal);

        var list = await fixture.RunAsync("tokens", "list");
        list.AssertSuccess();
        Assert.Contains("ci-job", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(token, list.Out, StringComparison.Ordinal);
        (await CliRunner.RunAsync("sources", "list", "--server", fixture.Url, "--token", token)).AssertSuccess();

        var revoked = await fixture.RunAsync("tokens", "revoke", id);
        revoked.AssertSuccess();
        Assert.StartsWith($"Revoked API token {id} ", revoked.Out, StringComparison.Ordinal);

        var refused = await CliRunner.RunAsync("sources", "list", "--server", fixture.Url, "--token", token);
        Assert.StartsWith("error: the server refused the API token from --token (HTTP 401", refused.AssertOneLineError(1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokensCreate_Text_PrintsTheTokenOnItsOwnLine()
    {
        var result = await fixture.RunAsync("tokens", "create");

        result.AssertSuccess();
        Assert.Matches(@"(?m)^ac_[0-9A-Za-z]{40,}\r?$", result.Out);
    }

    [Fact]
    public async Task AccountsCreate_WhileServerRuns_NewAccountIsSeparateFromAccountOne()
    {
        var mine = await fixture.Server.CreateSourceAsync(fixture.Server.Api, "Account One Only");

        var result = await CliRunner.RunAsync("accounts", "create", "--data-dir", fixture.Server.DataDir, "--json");

        result.AssertSuccess();
        var account = result.Json();
        Assert.True(account.GetProperty("client_id").GetInt64() > 1);
        var token = account.GetProperty("token").GetString()!;
        var list = await CliRunner.RunAsync("sources", "list", "--server", fixture.Url, "--token", token, "--json");
        list.AssertSuccess();
        Assert.Empty(list.Json().EnumerateArray());
        var other = await CliRunner.RunAsync("sources", "show", mine.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--server", fixture.Url, "--token", token);
        Assert.EndsWith("(HTTP 404)", other.AssertOneLineError(1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccountsCreate_EmptyDataDir_CreatesTheControlPlaneAndNumbersAccounts()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sluice-cli-accounts-" + Guid.NewGuid().ToString("N"));
        try
        {
            var first = await CliRunner.RunAsync("accounts", "create", "--data-dir", dataDir);
            var second = await CliRunner.RunAsync("accounts", "create", "--data-dir", dataDir, "--json");

            first.AssertSuccess();
            Assert.StartsWith("Created account 1.", first.Out, StringComparison.Ordinal);
            Assert.Matches(@"(?m)^ac_[0-9A-Za-z]{40,}\r?$", first.Out);
            Assert.True(File.Exists(Path.Combine(dataDir, "control.db")));
            second.AssertSuccess();
            Assert.Equal(2, second.Json().GetProperty("client_id").GetInt64());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Connection_EnvironmentBeatsDataDirFiles_FlagBeatsEnvironment()
    {
        var decoy = Directory.CreateTempSubdirectory("sluice-cli-decoy-").FullName;
        try
        {
            var closed = Loopback.ClosedUrl();
            await File.WriteAllTextAsync(Path.Combine(decoy, "server-url"), closed + "\n");
            await File.WriteAllTextAsync(Path.Combine(decoy, "admin-token"), "ac_decoy\n");
            var env = new Dictionary<string, string?> { ["SLUICE_URL"] = fixture.Url, ["SLUICE_TOKEN"] = fixture.Server.AdminToken };

            var fromEnvironment = await CliRunner.RunAsync(env, "sources", "list", "--data-dir", decoy);
            var fromFlag = await CliRunner.RunAsync(env, "sources", "list", "--data-dir", decoy, "--server", closed);
            var fromFiles = await CliRunner.RunAsync("sources", "list", "--data-dir", fixture.Server.DataDir);

            fromEnvironment.AssertSuccess();
            Assert.Contains($"server at {closed} is not reachable", fromFlag.AssertOneLineError(1), StringComparison.Ordinal);
            fromFiles.AssertSuccess();
        }
        finally
        {
            Directory.Delete(decoy, recursive: true);
        }
    }
}
