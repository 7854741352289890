using System.Net;
using Sluice.Server.Tests.Api;
using Sluice.Testing;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Loading;

/// <summary><c>POST /v4/query</c> on the embedded DuckDB destination: read-only, no files, no other account's data.</summary>
public sealed class QueryApiTests(FastLoadingServer fixture) : IClassFixture<FastLoadingServer>
{
    private SluiceServer Server => fixture.Server;

    [Theory]
    [InlineData("DELETE FROM guarded.data", "Only read-only SELECT queries may run")]
    [InlineData("INSERT INTO guarded.data (a) VALUES (2)", "Only read-only SELECT queries may run")]
    [InlineData("CREATE TABLE guarded.evil (a INTEGER)", "Only read-only SELECT queries may run")]
    [InlineData("DROP TABLE guarded.data", "Only read-only SELECT queries may run")]
    [InlineData("COPY guarded.data TO '/tmp/sluice-leak.csv'", "Cannot access file \"/tmp/sluice-leak.csv\"")]
    [InlineData("SET enable_external_access = true", "Only read-only SELECT queries may run")]
    [InlineData("SELECT 1; DELETE FROM guarded.data", "Only one statement may run per query")]
    public async Task Query_WriteOrSetting_Answers400AndChangesNothing(string sql, string message)
    {
        await EnsureGuardedTableAsync();

        (await QueryAsync(Server.Api, sql)).AssertError(HttpStatusCode.BadRequest, "bad_request", message);

        AssertRows(["1"], Rows(await QueryAsync(Server.Api, "SELECT a FROM guarded.data")));
        Assert.False(File.Exists("/tmp/sluice-leak.csv"));
    }

    [Theory]
    [InlineData("SELECT * FROM read_text('/etc/passwd')")]
    [InlineData("SELECT * FROM read_csv('/etc/passwd')")]
    [InlineData("SELECT content FROM read_blob('/etc/hostname')")]
    public async Task Query_FileAccess_Answers400WithoutTheFile(string sql)
    {
        var call = await QueryAsync(Server.Api, sql);

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal("bad_request", call.Json.GetProperty("error").GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(call.Json.GetProperty("error").GetProperty("message").GetString()));
        Assert.DoesNotContain("root:", call.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_AttachOfAnotherAccountsFile_Answers400()
    {
        var other = await Server.CreateAccountAsync();
        var theirs = await Server.CreateSourceAsync(other.Api, "Their Secrets");
        await PostAsync(Server.Anonymous, theirs.WebhookUrl, """{"secret":"s3cr3t"}""");
        await WaitForRowsAsync(other.Api, "SELECT secret FROM their_secrets.data", 1);
        var file = Path.Combine(Server.DataDir, "warehouse", $"{other.ClientId}.duckdb");
        Assert.True(File.Exists(file), $"Expected the other account's own file {file}.");

        var call = await QueryAsync(Server.Api, $"ATTACH '{file}' AS theirs");

        call.AssertError(HttpStatusCode.BadRequest, "bad_request", "Only read-only SELECT queries may run");
        var read = await QueryAsync(Server.Api, "SELECT secret FROM their_secrets.data");
        Assert.Equal(HttpStatusCode.BadRequest, read.Status);
        Assert.DoesNotContain("s3cr3t", read.Text, StringComparison.Ordinal);
        var viaFunction = await QueryAsync(Server.Api, $"SELECT * FROM read_text('{file}')");
        Assert.Equal(HttpStatusCode.BadRequest, viaFunction.Status);
    }

    [Fact]
    public async Task Query_TwoAccountsWithTheSameSchema_EachSeesOnlyItsOwnRows()
    {
        var other = await Server.CreateAccountAsync();
        var mine = await Server.CreateSourceAsync(Server.Api, "Shared Name");
        var theirs = await Server.CreateSourceAsync(other.Api, "Shared Name");
        Assert.Equal(mine.Name, theirs.Name);

        await PostAsync(Server.Anonymous, mine.WebhookUrl, """[{"who":"account one"},{"who":"account one again"}]""");
        await PostAsync(Server.Anonymous, theirs.WebhookUrl, """{"who":"account two"}""");

        var myRows = await WaitForRowsAsync(Server.Api, "SELECT who FROM shared_name.data ORDER BY who", 2);
        var theirRows = await WaitForRowsAsync(other.Api, "SELECT who FROM shared_name.data ORDER BY who", 1);
        AssertRows(["account one", "account one again"], myRows);
        AssertRows(["account two"], theirRows);
        var myTables = Rows(await QueryAsync(Server.Api, "SELECT count(*) FROM duckdb_databases() WHERE NOT internal"));
        AssertRows(["1"], myTables);
    }

    [Fact]
    public async Task Query_Select_ReturnsColumnsAndRows()
    {
        var call = await QueryAsync(Server.Api, "SELECT 42 AS answer, 'x' AS letter");

        Assert.Equal(["answer", "letter"], Columns(call));
        AssertRows(["42|x"], Rows(call));
    }

    [Fact]
    public async Task Query_MissingSql_Answers400()
    {
        (await ApiCall.PostAsync(Server.Api, "v4/query", "{}")).AssertError(HttpStatusCode.BadRequest, "bad_request", "Field 'sql' is required");
    }

    private async Task EnsureGuardedTableAsync()
    {
        var probe = await QueryAsync(Server.Api, "SELECT a FROM guarded.data");
        if (probe.Status == HttpStatusCode.OK && Rows(probe).Count == 1)
        {
            return;
        }

        var source = await GetOrCreateGuardedAsync();
        if (source is not null)
        {
            await PostAsync(Server.Anonymous, source, """{"id":1,"a":1}""");
        }

        await WaitForRowsAsync(Server.Api, "SELECT a FROM guarded.data", 1);
    }

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static string? guardedUrl;

    /// <summary>The theory cases share one source; the first case creates it and posts its one row.</summary>
    private async Task<string?> GetOrCreateGuardedAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (guardedUrl is not null)
            {
                return null;
            }

            guardedUrl = (await Server.CreateSourceAsync(Server.Api, "Guarded", "id")).WebhookUrl;
            return guardedUrl;
        }
        finally
        {
            Once.Release();
        }
    }
}
