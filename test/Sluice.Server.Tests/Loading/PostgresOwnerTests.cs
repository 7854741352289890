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
}
