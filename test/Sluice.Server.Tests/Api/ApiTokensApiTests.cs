using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sluice.Testing;

namespace Sluice.Server.Tests.Api;

public sealed class ApiTokensApiTests(SharedServer shared) : IClassFixture<SharedServer>, IAsyncLifetime
{
    private readonly SluiceServer server = shared.Instance;
    private TestAccount account = null!;

    public async Task InitializeAsync() => account = await server.CreateAccountAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Create_WithName_ReturnsTokenOnceAndItAuthenticates()
    {
        var call = await ApiCall.PostAsync(account.Api, "v4/tokens", """{"name":"ci"}""");

        call.AssertOk();
        var token = call.Json.GetProperty("token").GetString()!;
        Assert.Matches("^ac_[0-9a-f]{48}$", token);
        Assert.Equal("ci", call.Json.GetProperty("name").GetString());
        Assert.Equal(token[^4..], call.Json.GetProperty("hint").GetString());
        Assert.EndsWith("Z", call.Json.GetProperty("created_at").GetString(), StringComparison.Ordinal);
        using var client = WithToken(token);
        (await ApiCall.GetAsync(client, "v4/sources")).AssertOk();
    }

    [Fact]
    public async Task Create_WithoutBody_HasNoName()
    {
        var call = await ApiCall.PostAsync(account.Api, "v4/tokens", "");

        call.AssertOk();
        Assert.Equal(JsonValueKind.Null, call.Json.GetProperty("name").ValueKind);
    }

    [Theory]
    [InlineData("""{"name":5}""", "Field 'name' must be a string")]
    [InlineData("""{"scopes":["all"]}""", "Unknown field 'scopes'")]
    [InlineData("""{"name":""", "not valid JSON")]
    public async Task Create_InvalidBody_Answers400(string body, string expectedFragment)
    {
        var call = await ApiCall.PostAsync(account.Api, "v4/tokens", body);

        call.AssertError(HttpStatusCode.BadRequest, "bad_request", expectedFragment);
    }

    [Fact]
    public async Task List_ShowsLiveTokensWithoutTheSecret()
    {
        var created = await ApiCall.PostAsync(account.Api, "v4/tokens", """{"name":"ci"}""");

        var list = await ApiCall.GetAsync(account.Api, "v4/tokens");

        list.AssertOk();
        Assert.Equal(2, list.Json.GetArrayLength());
        Assert.All(list.Json.EnumerateArray(), t => Assert.False(t.TryGetProperty("token", out _)));
        Assert.DoesNotContain(account.Token, list.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Json.GetProperty("token").GetString()!, list.Text, StringComparison.Ordinal);
        Assert.Equal(account.Token[^4..], list.Json[0].GetProperty("hint").GetString());
    }

    [Fact]
    public async Task Revoke_Token_Answers401ForItAtOnce()
    {
        var created = await ApiCall.PostAsync(account.Api, "v4/tokens", """{"name":"temporary"}""");
        using var client = WithToken(created.Json.GetProperty("token").GetString()!);
        (await ApiCall.GetAsync(client, "v4/sources")).AssertOk(); // now cached

        var revoked = await ApiCall.DeleteAsync(account.Api, $"v4/tokens/{created.Json.GetProperty("id").GetInt64()}");

        revoked.AssertOk();
        Assert.EndsWith("Z", revoked.Json.GetProperty("revoked_at").GetString(), StringComparison.Ordinal);
        Assert.False(revoked.Json.TryGetProperty("token", out _));
        (await ApiCall.GetAsync(client, "v4/sources")).AssertError(HttpStatusCode.Unauthorized, "unauthorized", "not valid");
        Assert.Single((await ApiCall.GetAsync(account.Api, "v4/tokens")).Json.EnumerateArray());
    }

    [Fact]
    public async Task Revoke_OwnTokenWhenAnotherExists_LocksOutThatToken()
    {
        await ApiCall.PostAsync(account.Api, "v4/tokens", """{"name":"spare"}""");
        var ownId = (await ApiCall.GetAsync(account.Api, "v4/tokens")).Json[0].GetProperty("id").GetInt64();

        (await ApiCall.DeleteAsync(account.Api, $"v4/tokens/{ownId}")).AssertOk();

        (await ApiCall.GetAsync(account.Api, "v4/tokens")).AssertError(HttpStatusCode.Unauthorized, "unauthorized", "not valid");
    }

    [Fact]
    public async Task Revoke_LastLiveToken_Answers409()
    {
        var ownId = (await ApiCall.GetAsync(account.Api, "v4/tokens")).Json[0].GetProperty("id").GetInt64();

        var call = await ApiCall.DeleteAsync(account.Api, $"v4/tokens/{ownId}");

        call.AssertError(HttpStatusCode.Conflict, "conflict", "only live token");
        (await ApiCall.GetAsync(account.Api, "v4/sources")).AssertOk();
    }

    [Fact]
    public async Task Revoke_UnknownToken_Answers404()
    {
        var call = await ApiCall.DeleteAsync(account.Api, "v4/tokens/9999");

        call.AssertError(HttpStatusCode.NotFound, "not_found", "API token 9999 was not found");
    }

    private HttpClient WithToken(string token)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
