using System.Net;
using System.Text.Json;
using Npgsql;
using Sluice.Server.Tests.Api;
using Sluice.Testing;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Loading;

/// <summary>
/// An account's PostgreSQL destination set through the API, on a real PostgreSQL 15 reached through a relay the test can cut
/// to make the server "go down" while posts keep arriving.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLoadingTests(PostgresServer postgres) : IAsyncLifetime
{
    private SluiceServer server = null!;
    private TcpRelay relay = null!;

    public async Task InitializeAsync()
    {
        relay = new TcpRelay("127.0.0.1", postgres.Port);
        relay.Start();
        server = await SluiceServer.StartAsync(settings: new Dictionary<string, string?>(FastLoadingServer.Settings)
        {
            ["Loading:MinRetryDelay"] = "00:00:00.2",
            ["Loading:MaxRetryDelay"] = "00:00:00.4",
        });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await relay.DisposeAsync();
    }

    [Fact]
    public async Task CreateDestination_WrongPassword_Answers400WithTheServersAuthenticationErrorAndKeepsDuckDb()
    {
        var database = await postgres.CreateDatabaseAsync();

        var call = await ApiCall.PostAsync(server.Api, "v4/destinations", DestinationBody("not-the-password", database));

        call.AssertError(HttpStatusCode.BadRequest, "bad_request", $"password authentication failed for user \"{postgres.Username}\"");
        var list = await ApiCall.GetAsync(server.Api, "v4/destinations");
        Assert.Equal(["duckdb"], list.Json.EnumerateArray().Select(d => d.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task DeleteDestination_EmbeddedDuckDb_Answers400()
    {
        var list = await ApiCall.GetAsync(server.Api, "v4/destinations");
        var id = Assert.Single(list.Json.EnumerateArray()).GetProperty("id").GetInt64();

        (await ApiCall.DeleteAsync(server.Api, $"v4/destinations/{id}")).AssertError(HttpStatusCode.BadRequest, "bad_request", "cannot be deleted");
    }

    [Fact]
    public async Task UpdateDestination_WrongPassword_Answers400AndKeepsLoadingWithTheWorkingSettings()
    {
        var database = await postgres.CreateDatabaseAsync();
        var created = await ApiCall.PostAsync(server.Api, "v4/destinations", DestinationBody(postgres.Password, database));
        created.AssertOk();
        var id = created.Json.GetProperty("id").GetInt64();

        var update = await ApiCall.PutAsync(server.Api, $"v4/destinations/{id}", """{"connection":{"password":"wrong-one"}}""");

        update.AssertError(HttpStatusCode.BadRequest, "bad_request", $"password authentication failed for user \"{postgres.Username}\"");
        var source = await server.CreateSourceAsync(server.Api, "Kept Settings");
        await PostAsync(server.Anonymous, source.WebhookUrl, """{"a":1}""");
        AssertRows(["1"], await WaitForRowsAsync(server.Api, "SELECT a FROM kept_settings.data", 1));
        Assert.Equal(1L, await ScalarAsync(database, "SELECT count(*) FROM kept_settings.data"));
    }

    [Fact]
    public async Task CreateDestination_UnknownDatabase_Answers400NamingIt()
    {
        var call = await ApiCall.PostAsync(server.Api, "v4/destinations", DestinationBody(postgres.Password, "no_such_db_here"));

        call.AssertError(HttpStatusCode.BadRequest, "bad_request", "no_such_db_here");
    }

    [Fact]
    public async Task Load_IntoPostgres_KeepsAcceptingWhileItIsDownAndLoadsEverythingOnceWhenItReturns()
    {
        var database = await postgres.CreateDatabaseAsync();
        var created = await ApiCall.PostAsync(server.Api, "v4/destinations", DestinationBody(postgres.Password, database));
        created.AssertOk();
        Assert.Equal("postgres", created.Json.GetProperty("type").GetString());
        Assert.DoesNotContain(postgres.Password, created.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("password", created.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(relay.Port, created.Json.GetProperty("connection").GetProperty("port").GetInt32());
        Assert.Equal(database, created.Json.GetProperty("connection").GetProperty("database").GetString());
        var destinationId = created.Json.GetProperty("id").GetInt64();
        var listed = await ApiCall.GetAsync(server.Api, "v4/destinations");
        Assert.DoesNotContain(postgres.Password, listed.Text, StringComparison.Ordinal);

        var source = await server.CreateSourceAsync(server.Api, "Shop Orders", "id");
        await PostAsync(server.Anonymous, source.WebhookUrl, """[{"id":1,"total":10.5,"items":[{"sku":"A"},{"sku":"B"}]},{"id":2,"total":3.5}]""");
        var loaded = await WaitForStatsAsync(
            source.Id, s => s.GetProperty("rows_loaded_today").GetInt64() > 0 || s.GetProperty("last_load_error").ValueKind != JsonValueKind.Null, "the first load");
        Assert.True(loaded.GetProperty("last_load_error").ValueKind == JsonValueKind.Null, $"The load failed: {loaded}");
        AssertRows(["1|10.5", "2|3.5"], await WaitForRowsAsync(server.Api, "SELECT id, total FROM shop_orders.data ORDER BY id", 2));

        // The rows are in PostgreSQL itself, with the primary key constraint a keyed source gets.
        Assert.Equal(2L, await ScalarAsync(database, "SELECT count(*) FROM shop_orders.data"));
        Assert.Equal("data_pkey", await ScalarAsync(database, "SELECT conname FROM pg_constraint WHERE conrelid = 'shop_orders.data'::regclass AND contype = 'p'"));
        Assert.Equal(2L, await ScalarAsync(database, "SELECT count(*) FROM shop_orders.data__items WHERE _sdc_source_key_id = 1"));

        relay.Stop();
        await PostAsync(server.Anonymous, source.WebhookUrl, """{"id":3,"total":7.5}""");
        await PostAsync(server.Anonymous, source.WebhookUrl, """[{"id":4,"total":1.5},{"id":1,"total":99.5,"items":[{"sku":"Z"}]}]""");

        var firstError = await WaitForStatsAsync(source.Id, s => s.GetProperty("last_load_error").ValueKind == JsonValueKind.String, "the source shows the load error");
        Assert.Equal("error", firstError.GetProperty("status").GetString());
        Assert.EndsWith("Z", firstError.GetProperty("last_load_error_at").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, firstError.GetProperty("rows_to_be_loaded").GetInt64());
        await Eventually.AssertAsync(async () => (await LoadingErrorsAsync()).Count > 0, "the failing load is notified");
        // Let the loader fail twice more (it retries every 0.2-0.4 s): still one notification for the whole streak.
        for (var retry = 0; retry < 2; retry++)
        {
            var errorAt = (await WaitForStatsAsync(source.Id, s => s.GetProperty("last_load_error_at").ValueKind == JsonValueKind.String, "a load error time"))
                .GetProperty("last_load_error_at").GetString();
            await WaitForStatsAsync(source.Id, s => s.GetProperty("last_load_error_at").GetString() != errorAt, "the loader retried");
        }

        var notification = Assert.Single(await LoadingErrorsAsync());
        Assert.Equal("critical", notification.GetProperty("level").GetString());
        Assert.Equal(source.Id, notification.GetProperty("source_id").GetInt64());
        Assert.Contains("shop_orders", notification.GetProperty("message").GetString(), StringComparison.Ordinal);
        var loads = await ApiCall.GetAsync(server.Api, $"v4/{server.ClientId}/loads");
        loads.AssertOk();
        var stream = Assert.Single(loads.Json.GetProperty("data").EnumerateArray(), s => s.GetProperty("source_name").GetString() == "shop_orders");
        Assert.Equal("critical", stream.GetProperty("error_state").GetProperty("notification_level").GetString());

        var unavailable = await QueryAsync(server.Api, "SELECT count(*) FROM shop_orders.data");
        Assert.True(unavailable.Status == HttpStatusCode.ServiceUnavailable, $"Expected 503 while PostgreSQL is down, got {(int)unavailable.Status}: {unavailable.Text}");
        Assert.Equal("destination_unavailable", unavailable.Json.GetProperty("error").GetProperty("type").GetString());

        relay.Start();
        var rows = await WaitForAsync(server.Api, "SELECT id, total FROM shop_orders.data ORDER BY id", r => r.Count == 4 && r[0][1] == "99.5");
        AssertRows(["1|99.5", "2|3.5", "3|7.5", "4|1.5"], rows);
        AssertRows(
            ["1|0|Z"],
            Rows(await QueryAsync(server.Api, "SELECT _sdc_source_key_id, _sdc_level_0_id, sku FROM shop_orders.data__items ORDER BY 1, 2")));
        var recovered = await WaitForStatsAsync(source.Id, s => s.GetProperty("last_load_error").ValueKind == JsonValueKind.Null, "the error clears");
        Assert.Equal(0, recovered.GetProperty("rows_to_be_loaded").GetInt64());
        Assert.Equal("active", recovered.GetProperty("status").GetString());
        Assert.Equal(4L, await ScalarAsync(database, "SELECT count(*) FROM shop_orders.data"));

        // A new failure streak after the recovery is a new notification.
        relay.Stop();
        await PostAsync(server.Anonymous, source.WebhookUrl, """{"id":5,"total":2.5}""");
        await Eventually.AssertAsync(async () => (await LoadingErrorsAsync()).Count == 2, "a second notification for the second streak");
        relay.Start();
        await WaitForRowsAsync(server.Api, "SELECT id FROM shop_orders.data", 5);

        var deleted = await ApiCall.DeleteAsync(server.Api, $"v4/destinations/{destinationId}");
        deleted.AssertOk();
        Assert.DoesNotContain(postgres.Password, deleted.Text, StringComparison.Ordinal);
        var list = await ApiCall.GetAsync(server.Api, "v4/destinations");
        Assert.Equal(["duckdb"], list.Json.EnumerateArray().Select(d => d.GetProperty("type").GetString()));

        // Back on the embedded DuckDB file: new records load there; PostgreSQL keeps what it had.
        await PostAsync(server.Anonymous, source.WebhookUrl, """{"id":6,"total":4.5}""");
        AssertRows(["6|4.5"], await WaitForRowsAsync(server.Api, "SELECT id, total FROM shop_orders.data", 1));
        Assert.Equal(5L, await ScalarAsync(database, "SELECT count(*) FROM shop_orders.data"));
    }

    private Task<JsonElement> WaitForStatsAsync(long sourceId, Func<JsonElement, bool> done, string what) =>
        Warehouse.WaitForStatsAsync(server.Api, sourceId, done, what);

    private async Task<List<JsonElement>> LoadingErrorsAsync()
    {
        var call = await ApiCall.GetAsync(server.Api, "v4/notifications");
        call.AssertOk();
        return call.Json.EnumerateArray().Where(n => n.GetProperty("code").GetString() == "loading-error").ToList();
    }

    private async Task<object?> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private string DestinationBody(string password, string database) => JsonSerializer.Serialize(new
    {
        type = "postgres",
        connection = new
        {
            host = "127.0.0.1",
            port = relay.Port,
            username = postgres.Username,
            password,
            database,
            sslmode = "disable",
        },
    });
}
