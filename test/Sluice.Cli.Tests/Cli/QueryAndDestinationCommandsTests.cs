using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Cli;

public sealed class QueryAndDestinationCommandsTests : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private readonly PostgresServer _postgres;
    private SluiceServer _server = null!;

    public QueryAndDestinationCommandsTests(PostgresServer postgres) => _postgres = postgres;

    public async Task InitializeAsync() =>
        _server = await SluiceServer.StartAsync(settings: new Dictionary<string, string?> { ["Loading:Interval"] = "00:00:00.200" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Query_EventsPostedToTheCreatedUrl_AreCountedInTheWarehouse()
    {
        var created = (await RunAsync("sources", "create", "Shop Events", "--primary-key", "id", "--json")).Json();
        var url = created.GetProperty("webhook_url").GetString()!;
        using (var response = await _server.Anonymous.PostAsJsonAsync(url, new[] { new { id = 1, status = "paid" }, new { id = 2, status = "new" } }))
        {
            response.EnsureSuccessStatusCode();
        }

        var sql = "SELECT count(*) AS n FROM shop_events.data";
        await WaitForAsync(sql, "2");
        var table = await RunAsync("query", sql);

        table.AssertSuccess();
        Assert.Contains("│ n ", table.Out, StringComparison.Ordinal);
        Assert.Contains("│ 2 ", table.Out, StringComparison.Ordinal);
        Assert.EndsWith("(1 row)", table.Out.TrimEnd(), StringComparison.Ordinal);
        // The buffer lets go of the records just after the warehouse commits them: the stats say 0 waiting soon after, not at once.
        var id = created.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
        CliResult stats = null!;
        await Eventually.WaitAsync(async () =>
        {
            stats = await RunAsync("sources", "stats", id);
            return Regex.IsMatch(stats.Out, @"rows_to_be_loaded\s+0\b");
        });

        stats.AssertSuccess();
        Assert.Matches(@"rows_to_be_loaded\s+0\b", stats.Out);
        Assert.Matches(@"rows_loaded_today\s+2", stats.Out);
        Assert.Matches(@"archive_records\s+2", stats.Out);
        Assert.Matches(@"archive_oldest_received_at\s+\d{4}-", stats.Out);
    }

    [Fact]
    public async Task Query_Json_HasColumnsAndRows()
    {
        var result = await RunAsync("query", "SELECT 42 AS answer, 'x' AS letter", "--json");

        result.AssertSuccess();
        var json = result.Json();
        Assert.Equal(["answer", "letter"], json.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var row = Assert.Single(json.GetProperty("rows").EnumerateArray());
        Assert.Equal("42", row[0].GetRawText());
        Assert.Equal("x", row[1].GetString());
    }

    [Fact]
    public async Task Query_Write_RefusedWithOneLine()
    {
        var result = await RunAsync("query", "CREATE TABLE evil (a INTEGER)");

        Assert.EndsWith("(HTTP 400)", result.AssertOneLineError(1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetPostgres_ThenQuery_AnswersFromThatDatabase_AndSettingAgainUpdatesIt()
    {
        var database = await _postgres.CreateDatabaseAsync("sluice_cli");
        string[] connection =
        [
            "--host", _postgres.Host, "--port", _postgres.Port.ToString(CultureInfo.InvariantCulture),
            "--user", _postgres.Username, "--database", database, "--sslmode", "disable",
        ];
        var env = new Dictionary<string, string?> { ["PGPASSWORD"] = _postgres.Password };

        var set = await CliRunner.RunAsync(env, ["destinations", "set-postgres", .. connection, "--data-dir", _server.DataDir]);
        set.AssertSuccess();
        Assert.StartsWith("Destination ", set.Out, StringComparison.Ordinal);
        var listed = (await RunAsync("destinations", "list", "--json")).Json();
        var destination = Assert.Single(listed.EnumerateArray());
        Assert.Equal("postgres", destination.GetProperty("type").GetString());
        Assert.DoesNotContain("password\":\"" + _postgres.Password + "\"", listed.GetRawText(), StringComparison.Ordinal);
        var answer = (await RunAsync("query", "SELECT current_database() AS db", "--json")).Json();
        Assert.Equal(database, answer.GetProperty("rows")[0][0].GetString());

        var again = await CliRunner.RunAsync(env, ["destinations", "set-postgres", .. connection, "--data-dir", _server.DataDir, "--json"]);
        again.AssertSuccess();
        Assert.Equal(destination.GetProperty("id").GetInt64(), again.Json().GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task SetPostgres_NothingListening_OneLineFromTheServersCheck()
    {
        var port = new Uri(Loopback.ClosedUrl()).Port.ToString(CultureInfo.InvariantCulture);

        var result = await RunAsync("destinations", "set-postgres", "--host", "127.0.0.1", "--port", port, "--user", "u", "--password", "p", "--database", "d", "--sslmode", "disable");

        var line = result.AssertOneLineError(1);
        Assert.EndsWith("(HTTP 400)", line, StringComparison.Ordinal);
        Assert.Equal("duckdb", Assert.Single((await RunAsync("destinations", "list", "--json")).Json().EnumerateArray()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task SetPostgres_NoPasswordForAUserThatNeedsOne_SaysToPassPasswordOrSetPgpassword()
    {
        var database = await _postgres.CreateDatabaseAsync("sluice_cli_nopw");

        var result = await RunAsync(
            "destinations", "set-postgres", "--host", _postgres.Host, "--port", _postgres.Port.ToString(CultureInfo.InvariantCulture),
            "--user", _postgres.Username, "--database", database, "--sslmode", "disable");

        var line = result.AssertOneLineError(1);
        Assert.Contains($"the server asks for a password for user \"{_postgres.Username}\" and none was given (HTTP 400)", line, StringComparison.Ordinal);
        Assert.EndsWith("; no password was given: pass --password or set PGPASSWORD", line, StringComparison.Ordinal);
        Assert.Equal("duckdb", Assert.Single((await RunAsync("destinations", "list", "--json")).Json().EnumerateArray()).GetProperty("type").GetString());
    }

    private Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync([.. args, "--data-dir", _server.DataDir]);

    /// <summary>Polls until the loader has loaded what the query counts (loads run in the background every 200 ms).</summary>
    private async Task WaitForAsync(string sql, string expected)
    {
        var last = "no answer yet";
        await Eventually.AssertAsync(
            async () =>
            {
                var result = await RunAsync("query", sql, "--json");
                last = result.ExitCode == 0 ? result.Json().GetProperty("rows")[0][0].GetRawText() : result.Error;
                return last == expected;
            },
            $"'{sql}' answers {expected}",
            TimeSpan.FromSeconds(30),
            () => last);
    }
}
