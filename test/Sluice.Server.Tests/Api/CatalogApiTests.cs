using System.Text.Json;
using Sluice.Testing;

namespace Sluice.Server.Tests.Api;

public sealed class CatalogApiTests(SharedServer shared) : IClassFixture<SharedServer>, IAsyncLifetime
{
    private readonly SluiceServer server = shared.Instance;
    private TestAccount account = null!;

    public async Task InitializeAsync() => account = await server.CreateAccountAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SourceTypes_IncomingWebhook_DescribesOptionalImmutablePrimaryKey()
    {
        var call = await ApiCall.GetAsync(account.Api, "v4/source-types");

        call.AssertOk();
        var type = call.Json.EnumerateArray().Single(t => t.GetProperty("type").GetString() == "webhook.incoming-webhook");
        var property = type.GetProperty("steps")[0].GetProperty("properties").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "webhookz_primary_key");
        Assert.False(property.GetProperty("is_required").GetBoolean());
        Assert.False(property.GetProperty("is_credential").GetBoolean());
        Assert.Equal("user_provided_immutable", property.GetProperty("property_type").GetString());
        Assert.Equal("string", property.GetProperty("json_schema").GetProperty("type").GetString());
        Assert.Equal(50, property.GetProperty("json_schema").GetProperty("maxLength").GetInt32());
        Assert.Equal("incoming-webhook", type.GetProperty("details").GetProperty("protocol").GetString());
    }

    [Fact]
    public async Task Destinations_NewAccount_HasEmbeddedDuckDb()
    {
        var call = await ApiCall.GetAsync(account.Api, "v4/destinations");

        call.AssertOk();
        var destination = call.Json.EnumerateArray().Single();
        Assert.Equal("duckdb", destination.GetProperty("type").GetString());
        Assert.Equal("Embedded DuckDB", destination.GetProperty("name").GetString());
        Assert.Equal($"warehouse/{account.ClientId}.duckdb", destination.GetProperty("connection").GetProperty("path").GetString());
        Assert.EndsWith("Z", destination.GetProperty("created_at").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("Z", destination.GetProperty("updated_at").GetString(), StringComparison.Ordinal);

        var single = await ApiCall.GetAsync(account.Api, $"v4/destinations/{destination.GetProperty("id").GetInt64()}");
        single.AssertOk();
        Assert.Equal(JsonValueKind.Object, single.Json.GetProperty("connection").ValueKind);
    }

    [Fact]
    public async Task Destinations_UnknownId_Answers404()
    {
        var call = await ApiCall.GetAsync(account.Api, "v4/destinations/5555");

        call.AssertError(System.Net.HttpStatusCode.NotFound, "not_found", "Destination 5555 was not found");
    }
}
