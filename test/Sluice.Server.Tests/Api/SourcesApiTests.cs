using System.Net;
using System.Text.Json;
using Sluice.Testing;

namespace Sluice.Server.Tests.Api;

public sealed class SourcesApiTests(SharedServer shared) : IClassFixture<SharedServer>, IAsyncLifetime
{
    private readonly SluiceServer server = shared.Instance;
    private TestAccount account = null!;

    public async Task InitializeAsync() => account = await server.CreateAccountAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Create_WithPrimaryKey_ReturnsSourceObjectAndWebhookUrlOnce()
    {
        var call = await ApiCall.PostAsync(account.Api, "v4/sources",
            """{"display_name":"Shop Events","type":"webhook.incoming-webhook","properties":{"webhookz_primary_key":"id"}}""");

        call.AssertOk();
        var source = call.Json;
        Assert.True(source.GetProperty("id").GetInt64() > 0);
        Assert.Equal(account.ClientId, source.GetProperty("stitch_client_id").GetInt64());
        Assert.Equal("shop_events", source.GetProperty("name").GetString());
        Assert.Equal("Shop Events", source.GetProperty("display_name").GetString());
        Assert.Equal("webhook.incoming-webhook", source.GetProperty("type").GetString());
        Assert.Equal("id", source.GetProperty("properties").GetProperty("webhookz_primary_key").GetString());
        Assert.EndsWith("Z", source.GetProperty("created_at").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("Z", source.GetProperty("updated_at").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, source.GetProperty("paused_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, source.GetProperty("deleted_at").ValueKind);
        Assert.Matches($"^{server.BaseAddress}v1/clients/{account.ClientId}/token/[0-9a-f]{{64}}$", source.GetProperty("webhook_url").GetString());
        Assert.True(source.GetProperty("webhook_token_id").GetInt64() > 0);

        var read = await ApiCall.GetAsync(account.Api, $"v4/sources/{source.GetProperty("id").GetInt64()}");
        read.AssertOk();
        Assert.False(read.Json.TryGetProperty("webhook_url", out _));
        Assert.DoesNotContain(source.GetProperty("webhook_url").GetString()![^64..], read.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithoutPrimaryKey_HasEmptyProperties()
    {
        var call = await ApiCall.PostAsync(account.Api, "v4/sources", """{"display_name":"Form Posts","type":"webhook.incoming-webhook"}""");

        call.AssertOk();
        Assert.Equal(JsonValueKind.Object, call.Json.GetProperty("properties").ValueKind);
        Assert.Empty(call.Json.GetProperty("properties").EnumerateObject());
    }

    [Fact]
    public async Task Create_WithExplicitName_UsesItAsSchema()
    {
        var call = await ApiCall.PostAsync(account.Api, "v4/sources",
            """{"display_name":"Shop Events","type":"webhook.incoming-webhook","name":"shop_v2"}""");

        call.AssertOk();
        Assert.Equal("shop_v2", call.Json.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Create_DisplayNameWithPunctuation_DerivesSchemaByTheDocumentedRule()
    {
        var call = await ApiCall.PostAsync(account.Api, "v4/sources",
            """{"display_name":"Stitch Incoming-Webhooks (v1.2)","type":"webhook.incoming-webhook"}""");

        call.AssertOk();
        Assert.Equal("stitch_incoming_webhooks_v12", call.Json.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","properties":{"webhookz_primary_key":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}""", "at most 50")]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","properties":{"webhookz_primary_key":"user.id"}}""", "top-level field name")]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","properties":{"webhookz_primary_key":"items[0]"}}""", "top-level field name")]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","properties":{"webhookz_primary_key":"a/b"}}""", "top-level field name")]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","properties":{"webhookz_primary_key":" "}}""", "it is empty")]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","properties":{"webhookz_primary_key":5}}""", "'properties.webhookz_primary_key' must be a string")]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","properties":{"frequency_in_minutes":"60"}}""", "Unknown property 'frequency_in_minutes'")]
    [InlineData("""{"display_name":"S","type":"platform.webhooks"}""", "Unknown source type 'platform.webhooks'")]
    [InlineData("""{"display_name":"S"}""", "type is required")]
    [InlineData("""{"type":"webhook.incoming-webhook"}""", "display_name is required")]
    [InlineData("""{"display_name":"   ","type":"webhook.incoming-webhook"}""", "display_name is required")]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","name":"Bad Name"}""", "Invalid name (schema name)")]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","name":"9lives"}""", "must start with a lowercase letter")]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","name":"_sdc_mine"}""", "reserved prefix")]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","name":"_sluice"}""", "reserved for Sluice")]
    [InlineData("""{"display_name":"Café Orders","type":"webhook.incoming-webhook"}""", "derived from display_name 'Café Orders' is invalid")]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","name":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", "at most 63")]
    [InlineData("""{"display_name":7,"type":"webhook.incoming-webhook"}""", "Field 'display_name' must be a string, not a number")]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","properties":"id"}""", "Field 'properties' must be a JSON object")]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","schedule":"hourly"}""", "Unknown field 'schedule'")]
    [InlineData("""{"display_name":"S","type":"webhook.incoming-webhook","destination_id":999999}""", "destination_id 999999 is not a destination of this account")]
    [InlineData("""{"display_name":"S",""", "not valid JSON")]
    [InlineData("""[{"display_name":"S"}]""", "must be a JSON object, not an array")]
    [InlineData("", "body is empty")]
    public async Task Create_InvalidRequest_Answers400WithSpecificMessage(string body, string expectedFragment)
    {
        var call = await ApiCall.PostAsync(account.Api, "v4/sources", body);

        call.AssertError(HttpStatusCode.BadRequest, "bad_request", expectedFragment);
        var list = await ApiCall.GetAsync(account.Api, "v4/sources");
        Assert.Empty(list.Json.EnumerateArray());
    }

    [Fact]
    public async Task Create_DuplicateSchemaName_Answers400()
    {
        await server.CreateSourceAsync(account.Api, "Shop Events");

        var call = await ApiCall.PostAsync(account.Api, "v4/sources", """{"display_name":"shop events","type":"webhook.incoming-webhook"}""");

        call.AssertError(HttpStatusCode.BadRequest, "bad_request", "Schema name 'shop_events' is already used");
    }

    [Fact]
    public async Task Create_ConcurrentSameSchemaName_OnlyOneSucceeds()
    {
        var calls = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            ApiCall.PostAsync(account.Api, "v4/sources", """{"display_name":"Race","type":"webhook.incoming-webhook"}""")));

        Assert.Equal(1, calls.Count(c => c.Status == HttpStatusCode.OK));
        Assert.All(calls.Where(c => c.Status != HttpStatusCode.OK), c => c.AssertError(HttpStatusCode.BadRequest, "bad_request", "already used"));
        Assert.Single((await ApiCall.GetAsync(account.Api, "v4/sources")).Json.EnumerateArray());
    }

    [Fact]
    public async Task Create_SchemaNameOfDeletedSource_CanBeReused()
    {
        var first = await server.CreateSourceAsync(account.Api, "Shop Events");
        (await ApiCall.DeleteAsync(account.Api, $"v4/sources/{first.Id}")).AssertOk();

        var second = await ApiCall.PostAsync(account.Api, "v4/sources", """{"display_name":"Shop Events","type":"webhook.incoming-webhook"}""");

        second.AssertOk();
        Assert.Equal("shop_events", second.Json.GetProperty("name").GetString());
        Assert.NotEqual(first.Id, second.Json.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Create_WithOwnDestinationId_IsAccepted()
    {
        var destinations = await ApiCall.GetAsync(account.Api, "v4/destinations");
        var destinationId = destinations.Json[0].GetProperty("id").GetInt64();

        var call = await ApiCall.PostAsync(account.Api, "v4/sources",
            $$"""{"display_name":"Shop","type":"webhook.incoming-webhook","destination_id":{{destinationId}}}""");

        call.AssertOk();
    }

    [Fact]
    public async Task List_ShowsSourcesNotDeleted_OldestFirst()
    {
        var a = await server.CreateSourceAsync(account.Api, "Alpha");
        var b = await server.CreateSourceAsync(account.Api, "Beta", "id");
        var c = await server.CreateSourceAsync(account.Api, "Gamma");
        (await ApiCall.DeleteAsync(account.Api, $"v4/sources/{b.Id}")).AssertOk();

        var list = await ApiCall.GetAsync(account.Api, "v4/sources");

        list.AssertOk();
        Assert.Equal([a.Id, c.Id], list.Json.EnumerateArray().Select(s => s.GetProperty("id").GetInt64()));
        Assert.DoesNotContain("webhook_url", list.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownId_Answers404()
    {
        var call = await ApiCall.GetAsync(account.Api, "v4/sources/424242");

        call.AssertError(HttpStatusCode.NotFound, "not_found", "Source 424242 was not found");
    }

    [Fact]
    public async Task Update_DisplayName_ChangesItButNotTheSchema()
    {
        var source = await server.CreateSourceAsync(account.Api, "Shop Events");

        var call = await ApiCall.PutAsync(account.Api, $"v4/sources/{source.Id}", """{"display_name":"Shop Events (EU)"}""");

        call.AssertOk();
        Assert.Equal("Shop Events (EU)", call.Json.GetProperty("display_name").GetString());
        Assert.Equal("shop_events", call.Json.GetProperty("name").GetString());
        var read = await ApiCall.GetAsync(account.Api, $"v4/sources/{source.Id}");
        Assert.Equal("Shop Events (EU)", read.Json.GetProperty("display_name").GetString());
    }

    [Fact]
    public async Task Update_PauseThenResume_SetsAndClearsPausedAt()
    {
        var source = await server.CreateSourceAsync(account.Api, "Shop Events");

        var paused = await ApiCall.PutAsync(account.Api, $"v4/sources/{source.Id}", """{"paused":true}""");
        paused.AssertOk();
        Assert.EndsWith("Z", paused.Json.GetProperty("paused_at").GetString(), StringComparison.Ordinal);

        var resumed = await ApiCall.PutAsync(account.Api, $"v4/sources/{source.Id}", """{"paused":false}""");
        resumed.AssertOk();
        Assert.Equal(JsonValueKind.Null, resumed.Json.GetProperty("paused_at").ValueKind);
    }

    [Theory]
    [InlineData("""{"name":"other_schema"}""", "schema name (name) of a source is immutable")]
    [InlineData("""{"properties":{"webhookz_primary_key":"other"}}""", "webhookz_primary_key is immutable")]
    [InlineData("""{"properties":{"webhookz_primary_key":null}}""", "webhookz_primary_key is immutable")]
    [InlineData("""{"type":"webhook.sendgrid"}""", "type of a source is immutable")]
    [InlineData("""{"paused":"yes"}""", "Field 'paused' must be true or false, not a string")]
    [InlineData("""{"display_name":""}""", "display_name is required")]
    [InlineData("""{"display_name":null}""", "display_name cannot be null")]
    [InlineData("""{"destination_id":1}""", "Unknown field 'destination_id'")]
    [InlineData("""{"properties":{"anchor_time":"x"}}""", "Unknown property 'anchor_time'")]
    [InlineData("""not json""", "not valid JSON")]
    public async Task Update_InvalidOrImmutableChange_Answers400AndChangesNothing(string body, string expectedFragment)
    {
        var source = await server.CreateSourceAsync(account.Api, "Shop Events", "id");

        var call = await ApiCall.PutAsync(account.Api, $"v4/sources/{source.Id}", body);

        call.AssertError(HttpStatusCode.BadRequest, "bad_request", expectedFragment);
        var read = await ApiCall.GetAsync(account.Api, $"v4/sources/{source.Id}");
        Assert.Equal("shop_events", read.Json.GetProperty("name").GetString());
        Assert.Equal("Shop Events", read.Json.GetProperty("display_name").GetString());
        Assert.Equal("id", read.Json.GetProperty("properties").GetProperty("webhookz_primary_key").GetString());
    }

    [Fact]
    public async Task Update_UnchangedNameAndPrimaryKey_IsAccepted()
    {
        var source = await server.CreateSourceAsync(account.Api, "Shop Events", "id");

        var call = await ApiCall.PutAsync(account.Api, $"v4/sources/{source.Id}",
            """{"name":"shop_events","properties":{"webhookz_primary_key":"id"},"display_name":"Shop"}""");

        call.AssertOk();
        Assert.Equal("Shop", call.Json.GetProperty("display_name").GetString());
    }

    [Fact]
    public async Task Update_UnknownOrDeletedSource_Answers404()
    {
        var source = await server.CreateSourceAsync(account.Api, "Shop Events");
        (await ApiCall.DeleteAsync(account.Api, $"v4/sources/{source.Id}")).AssertOk();

        (await ApiCall.PutAsync(account.Api, $"v4/sources/{source.Id}", """{"paused":true}"""))
            .AssertError(HttpStatusCode.NotFound, "not_found", $"Source {source.Id} was not found");
        (await ApiCall.PutAsync(account.Api, "v4/sources/999", """{"paused":true}"""))
            .AssertError(HttpStatusCode.NotFound, "not_found", "Source 999 was not found");
    }

    [Fact]
    public async Task Delete_Source_ReturnsItWithDeletedAtAndGetStillShowsIt()
    {
        var source = await server.CreateSourceAsync(account.Api, "Shop Events");

        var deleted = await ApiCall.DeleteAsync(account.Api, $"v4/sources/{source.Id}");

        deleted.AssertOk();
        Assert.EndsWith("Z", deleted.Json.GetProperty("deleted_at").GetString(), StringComparison.Ordinal);
        var read = await ApiCall.GetAsync(account.Api, $"v4/sources/{source.Id}");
        read.AssertOk();
        Assert.Equal(deleted.Json.GetProperty("deleted_at").GetString(), read.Json.GetProperty("deleted_at").GetString());
        (await ApiCall.DeleteAsync(account.Api, $"v4/sources/{source.Id}"))
            .AssertError(HttpStatusCode.NotFound, "not_found", $"Source {source.Id} was not found");
    }
}
