using System.Net;
using Sluice.Server.Ingestion;
using Sluice.Testing;

namespace Sluice.Server.Tests.Api;

/// <summary>Account B must not see or change anything of account A; A's ids answer B exactly like unknown ids.</summary>
public sealed class TenancyTests : IAsyncLifetime
{
    private SluiceServer server = null!;
    private TestAccount b = null!;
    private TestSource aSource = null!;

    public async Task InitializeAsync()
    {
        server = await SluiceServer.StartAsync();
        b = await server.CreateAccountAsync();
        aSource = await server.CreateSourceAsync(server.Api, "Shop Events", "id");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task CreateAccount_SecondAccount_HasItsOwnClientId()
    {
        Assert.Equal(2, b.ClientId);
        (await ApiCall.GetAsync(b.Api, "v4/sources")).AssertOk();
    }

    [Fact]
    public async Task List_OfAccountB_NeverShowsAccountAObjects()
    {
        await server.CreateSourceAsync(b.Api, "B Events");

        var sources = await ApiCall.GetAsync(b.Api, "v4/sources");
        var tokens = await ApiCall.GetAsync(b.Api, "v4/tokens");
        var destinations = await ApiCall.GetAsync(b.Api, "v4/destinations");

        Assert.Equal(["b_events"], sources.Json.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.All(sources.Json.EnumerateArray(), s => Assert.Equal(b.ClientId, s.GetProperty("stitch_client_id").GetInt64()));
        Assert.Equal([b.Token[^4..]], tokens.Json.EnumerateArray().Select(t => t.GetProperty("hint").GetString()));
        Assert.Equal($"warehouse/{b.ClientId}.duckdb", destinations.Json.EnumerateArray().Single().GetProperty("connection").GetProperty("path").GetString());
    }

    [Fact]
    public async Task Create_SameSchemaNameInAnotherAccount_IsAllowed()
    {
        var call = await ApiCall.PostAsync(b.Api, "v4/sources", """{"display_name":"Shop Events","type":"webhook.incoming-webhook"}""");

        call.AssertOk();
        Assert.Equal("shop_events", call.Json.GetProperty("name").GetString());
        Assert.Contains($"/v1/clients/{b.ClientId}/token/", call.Json.GetProperty("webhook_url").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "v4/sources/{source}", null)]
    [InlineData("PUT", "v4/sources/{source}", """{"paused":true}""")]
    [InlineData("DELETE", "v4/sources/{source}", null)]
    [InlineData("POST", "v4/sources/{source}/tokens", null)]
    [InlineData("GET", "v4/sources/{source}/tokens", null)]
    [InlineData("DELETE", "v4/sources/{source}/tokens/{token}", null)]
    public async Task SourceEndpoints_WithAnotherAccountsId_Answer404LikeUnknownIds(string method, string template, string? body)
    {
        var tokenId = (await ApiCall.GetAsync(server.Api, $"v4/sources/{aSource.Id}/tokens")).Json[0].GetProperty("id").GetInt64();
        var path = template.Replace("{source}", aSource.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{token}", tokenId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var unknownPath = template.Replace("{source}", "98765", StringComparison.Ordinal).Replace("{token}", "98765", StringComparison.Ordinal);

        var foreign = await ApiCall.SendAsync(b.Api, new HttpMethod(method), path, body);
        var unknown = await ApiCall.SendAsync(b.Api, new HttpMethod(method), unknownPath, body);

        foreign.AssertError(HttpStatusCode.NotFound, "not_found", "was not found");
        Assert.Equal(unknown.Status, foreign.Status);
        Assert.Equal(
            unknown.Json.GetProperty("error").GetProperty("message").GetString()!.Replace("98765", "X", StringComparison.Ordinal),
            foreign.Json.GetProperty("error").GetProperty("message").GetString()!.Replace(aSource.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "X", StringComparison.Ordinal));

        // Nothing of A changed.
        var read = await ApiCall.GetAsync(server.Api, $"v4/sources/{aSource.Id}");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, read.Json.GetProperty("paused_at").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, read.Json.GetProperty("deleted_at").ValueKind);
        Assert.Single((await ApiCall.GetAsync(server.Api, $"v4/sources/{aSource.Id}/tokens")).Json.EnumerateArray());
        Assert.True((await server.GetService<IWebhookTokenResolver>().ResolveAsync(1, aSource.WebhookUrl[^64..], CancellationToken.None))!.IsActive);
    }

    [Fact]
    public async Task RevokeApiToken_OfAnotherAccount_Answers404AndKeepsIt()
    {
        await ApiCall.PostAsync(b.Api, "v4/tokens", """{"name":"spare"}""");
        var aTokenId = (await ApiCall.GetAsync(server.Api, "v4/tokens")).Json[0].GetProperty("id").GetInt64();

        var call = await ApiCall.DeleteAsync(b.Api, $"v4/tokens/{aTokenId}");

        call.AssertError(HttpStatusCode.NotFound, "not_found", $"API token {aTokenId} was not found");
        (await ApiCall.GetAsync(server.Api, "v4/sources")).AssertOk();
    }

    [Fact]
    public async Task Destination_OfAnotherAccount_Answers404()
    {
        var aDestination = (await ApiCall.GetAsync(server.Api, "v4/destinations")).Json[0].GetProperty("id").GetInt64();

        var call = await ApiCall.GetAsync(b.Api, $"v4/destinations/{aDestination}");

        call.AssertError(HttpStatusCode.NotFound, "not_found", $"Destination {aDestination} was not found");
    }

    [Fact]
    public async Task CreateSource_WithAnotherAccountsDestinationId_Answers400()
    {
        var aDestination = (await ApiCall.GetAsync(server.Api, "v4/destinations")).Json[0].GetProperty("id").GetInt64();

        var call = await ApiCall.PostAsync(b.Api, "v4/sources",
            $$"""{"display_name":"X","type":"webhook.incoming-webhook","destination_id":{{aDestination}}}""");

        call.AssertError(HttpStatusCode.BadRequest, "bad_request", "is not a destination of this account");
    }

    [Fact]
    public async Task WebhookToken_OfAccountA_DoesNotResolveUnderAccountB()
    {
        var resolver = server.GetService<IWebhookTokenResolver>();

        Assert.Null(await resolver.ResolveAsync(b.ClientId, aSource.WebhookUrl[^64..], CancellationToken.None));
        Assert.NotNull(await resolver.ResolveAsync(1, aSource.WebhookUrl[^64..], CancellationToken.None));
    }
}
