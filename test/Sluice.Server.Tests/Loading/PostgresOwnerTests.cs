using System.Net;
using System.Text.Json;
using Sluice.Server.Tests.Api;
using Sluice.Testing;

namespace Sluice.Server.Tests.Loading;

/// <summary>
/// One PostgreSQL database is one account's destination: a second account that is given the same database (and its
/// credentials) is refused with the reason, and cannot read the first account's tables or loads through it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOwnerTests(PostgresServer postgres) : IAsyncLifetime
{
    private SluiceServer server = null!;

    public async Task InitializeAsync() => server = await SluiceServer.StartAsync(settings: FastLoadingServer.Settings);

    public async Task DisposeAsync() => await server.DisposeAsync();

    private string Destination(string database) => JsonSerializer.Serialize(new
    {
        type = "postgres",
        connection = new { host = "127.0.0.1", port = postgres.Port, username = postgres.Username, password = postgres.Password, database, sslmode = "disable" },
    });

    [Fact]
    public async Task SecondAccount_GivenTheFirstAccountsDatabase_IsRefusedAndSeesNothingOfIt()
    {
        var database = await postgres.CreateDatabaseAsync();
        (await ApiCall.PostAsync(server.Api, "v4/destinations", Destination(database))).AssertOk();
        var source = await server.CreateSourceAsync(server.Api, "Payroll Events", "id");
        await Warehouse.PostAsync(server.Anonymous, source.WebhookUrl, """{"id":1,"employee":"ada@example.com","salary":{"amount":98000,"currency":"eur"}}""");
        await Warehouse.WaitForRowsAsync(server.Api, "SELECT id FROM payroll_events.data", 1);

        var other = await server.CreateAccountAsync();
        var refused = await ApiCall.PostAsync(other.Api, "v4/destinations", Destination(database));
        refused.AssertError(HttpStatusCode.BadRequest, "bad_request", "is another Sluice account's destination");
        Assert.Contains(database, refused.Text, StringComparison.Ordinal);

        // Its queries still go to its own embedded DuckDB file: the first account's table is not there.
        var query = await ApiCall.PostAsync(other.Api, "v4/query", """{"sql":"SELECT count(*) FROM payroll_events.data"}""");
        Assert.NotEqual(HttpStatusCode.OK, query.Status);

        // Nor by changing a destination of its own to that database.
        var own = await postgres.CreateDatabaseAsync();
        var created = await ApiCall.PostAsync(other.Api, "v4/destinations", Destination(own));
        created.AssertOk();
        var id = created.Json.GetProperty("id").GetInt64();
        (await ApiCall.PutAsync(other.Api, $"v4/destinations/{id}", Destination(database))).AssertError(HttpStatusCode.BadRequest, "bad_request", "is another Sluice account's destination");

        // The owner may save its own destination again.
        var mine = await ApiCall.GetAsync(server.Api, "v4/destinations");
        var mineId = mine.Json.EnumerateArray().Last().GetProperty("id").GetInt64();
        (await ApiCall.PutAsync(server.Api, $"v4/destinations/{mineId}", Destination(database))).AssertOk();
    }

    /// <summary>
    /// A database saved as a destination before Sluice claimed databases has no owner row: the loader claims it for its
    /// account when it opens it, so another account is refused it from then on, not only after the owner saves it again.
    /// </summary>
    [Fact]
    public async Task DatabaseSavedBeforeClaims_IsClaimedByTheLoader()
    {
        var database = await postgres.CreateDatabaseAsync();
        var dataDir = Directory.CreateTempSubdirectory("sluice-owner-").FullName;
        var settings = new Dictionary<string, string?>(FastLoadingServer.Settings) { ["Sluice:DataDir"] = dataDir };
        try
        {
            string webhookPath;
            await using (var first = await SluiceServer.StartAsync(settings: settings))
            {
                (await ApiCall.PostAsync(first.Api, "v4/destinations", Destination(database))).AssertOk();
                var source = await first.CreateSourceAsync(first.Api, "Payroll Events", "id");
                webhookPath = new Uri(source.WebhookUrl).PathAndQuery; // the restarted server listens on another port
            }

            // As an older Sluice left it: the destination saved, no owner table.
            await postgres.ExecuteAsync("DROP TABLE IF EXISTS _sluice._sluice_owner", database);

            await using var restarted = await SluiceServer.StartAsync(settings: settings);
            await Warehouse.PostAsync(restarted.Anonymous, new Uri(restarted.BaseAddress, webhookPath).ToString(), """{"id":7,"employee":"grace@example.com","salary":{"amount":101000,"currency":"usd"}}""");
            await Warehouse.WaitForRowsAsync(restarted.Api, "SELECT id FROM payroll_events.data", 1);

            var other = await restarted.CreateAccountAsync();
            (await ApiCall.PostAsync(other.Api, "v4/destinations", Destination(database)))
                .AssertError(HttpStatusCode.BadRequest, "bad_request", "is another Sluice account's destination");
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
