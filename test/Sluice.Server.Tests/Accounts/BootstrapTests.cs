using Microsoft.Data.Sqlite;
using Sluice.Server.Accounts;
using Sluice.Server.Tests.Api;
using Sluice.Testing;

namespace Sluice.Server.Tests.Accounts;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes are a Unix promise
public sealed class BootstrapTests : IDisposable
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "sluice-bootstrap-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => SluiceServer.TryDelete(dataDir);

    [Fact]
    public async Task FirstStart_WritesAdminTokenOwnerOnlyAndServerUrl()
    {
        await using var server = await SluiceServer.StartAsync(settings: Settings());

        var adminToken = Path.Combine(dataDir, "admin-token");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(adminToken));
        Assert.Matches("^ac_[0-9a-f]{48}\n$", await File.ReadAllTextAsync(adminToken));
        Assert.Equal(server.BaseAddress.ToString().TrimEnd('/') + "\n", await File.ReadAllTextAsync(Path.Combine(dataDir, "server-url")));
        Assert.True(File.Exists(Path.Combine(dataDir, "control.db")));
    }

    [Fact]
    public async Task SecondStart_SameDataDir_KeepsAccountTokenAndSources()
    {
        string firstToken;
        long sourceId;
        await using (var first = await SluiceServer.StartAsync(settings: Settings()))
        {
            firstToken = first.AdminToken;
            sourceId = (await first.CreateSourceAsync(first.Api, "Shop Events")).Id;
        }

        await using var second = await SluiceServer.StartAsync(settings: Settings());

        Assert.Equal(firstToken, second.AdminToken);
        (await ApiCall.GetAsync(second.Api, $"v4/sources/{sourceId}")).AssertOk();
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM accounts"));
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM api_tokens"));
        Assert.Equal(second.BaseAddress.ToString().TrimEnd('/') + "\n", await File.ReadAllTextAsync(Path.Combine(dataDir, "server-url")));
    }

    [Fact]
    public async Task Start_ControlDb_IsMigratedAndInWalMode()
    {
        await using var server = await SluiceServer.StartAsync(settings: Settings());

        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM __EFMigrationsHistory WHERE MigrationId LIKE '%_Initial'"));
        Assert.Equal("wal", await ScalarAsync("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Readyz_ControlPlaneReachable_Answers200()
    {
        await using var server = await SluiceServer.StartAsync(settings: Settings());

        using var response = await server.Anonymous.GetAsync("readyz");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_ControlDbGone_Answers503()
    {
        await using var server = await SluiceServer.StartAsync(settings: Settings());
        SqliteConnection.ClearAllPools();
        File.Delete(Path.Combine(dataDir, "control.db"));
        DeleteWhileServerRuns(dataDir);

        using var response = await server.Anonymous.GetAsync("readyz");

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task AccountAdmin_WhileServerRuns_CreatesAccountWhoseTokenWorksAtOnce()
    {
        await using var server = await SluiceServer.StartAsync(settings: Settings());

        var account = await AccountAdmin.CreateAccountAsync(dataDir, CancellationToken.None);

        Assert.Equal(2, account.ClientId);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", account.ApiToken);
        var destinations = await ApiCall.GetAsync(client, "v4/destinations");
        destinations.AssertOk();
        Assert.Equal("warehouse/2.duckdb", destinations.Json[0].GetProperty("connection").GetProperty("path").GetString());
        Assert.Empty((await ApiCall.GetAsync(client, "v4/sources")).Json.EnumerateArray());
    }

    [Fact]
    public async Task AccountAdmin_FreshDataDir_CreatesAccountOneAndAdminTokenThatServeUses()
    {
        var account = await AccountAdmin.CreateAccountAsync(dataDir, CancellationToken.None);

        Assert.Equal(1, account.ClientId);
        Assert.Equal(account.ApiToken + "\n", await File.ReadAllTextAsync(Path.Combine(dataDir, "admin-token")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dataDir, "admin-token")));

        await using var server = await SluiceServer.StartAsync(settings: Settings());
        Assert.Equal(account.ApiToken, server.AdminToken);
        (await ApiCall.GetAsync(server.Api, "v4/sources")).AssertOk();
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM accounts"));
    }

    [Fact]
    public async Task AccountAdmin_SecondAccount_DoesNotTouchAdminToken()
    {
        await AccountAdmin.CreateAccountAsync(dataDir, CancellationToken.None);
        var before = await File.ReadAllTextAsync(Path.Combine(dataDir, "admin-token"));

        var second = await AccountAdmin.CreateAccountAsync(dataDir, CancellationToken.None);

        Assert.Equal(2, second.ClientId);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(dataDir, "admin-token")));
    }

    private Dictionary<string, string?> Settings() => new() { ["Sluice:DataDir"] = dataDir };

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "control.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Background workers (loader, hook outbox) may be writing in the directory while it goes; try again briefly.</summary>
    private static void DeleteWhileServerRuns(string directory)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 20)
            {
                Thread.Sleep(50);
            }
        }
    }
}
