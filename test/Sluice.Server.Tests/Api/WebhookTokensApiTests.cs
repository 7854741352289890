using System.Net;
using Sluice.Core.Sources;
using Sluice.Server.Ingestion;
using Sluice.Testing;

namespace Sluice.Server.Tests.Api;

public sealed class WebhookTokensApiTests(SharedServer shared) : IClassFixture<SharedServer>, IAsyncLifetime
{
    private readonly SluiceServer server = shared.Instance;
    private TestAccount account = null!;
    private TestSource source = null!;

    public async Task InitializeAsync()
    {
        account = await server.CreateAccountAsync();
        source = await server.CreateSourceAsync(account.Api, "Shop Events", "id");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Create_SecondUrl_ReturnsUrlWithHintThatResolves()
    {
        var call = await ApiCall.PostAsync(account.Api, $"v4/sources/{source.Id}/tokens", "");

        call.AssertOk();
        var url = call.Json.GetProperty("url").GetString()!;
        Assert.Matches($"^{server.BaseAddress}v1/clients/{account.ClientId}/token/[0-9a-f]{{64}}$", url);
        Assert.Equal(url[^4..], call.Json.GetProperty("hint").GetString());
        Assert.EndsWith("Z", call.Json.GetProperty("created_at").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(source.WebhookUrl, url);
        Assert.Equal(new WebhookTarget(account.ClientId, source.Id, true, SourceLayout.Default), await ResolveAsync(url));
        Assert.Equal(new WebhookTarget(account.ClientId, source.Id, true, SourceLayout.Default), await ResolveAsync(source.WebhookUrl));
    }

    [Fact]
    public async Task Create_ThirdLiveUrl_Answers400SayingToRevokeFirst()
    {
        (await ApiCall.PostAsync(account.Api, $"v4/sources/{source.Id}/tokens", "")).AssertOk();

        var third = await ApiCall.PostAsync(account.Api, $"v4/sources/{source.Id}/tokens", "");

        third.AssertError(HttpStatusCode.BadRequest, "bad_request",
            "A source can have at most 2 webhook URLs; revoke one before generating another.");
        var list = await ApiCall.GetAsync(account.Api, $"v4/sources/{source.Id}/tokens");
        Assert.Equal(2, list.Json.GetArrayLength());
    }

    [Fact]
    public async Task Create_ConcurrentRequests_NeverExceedTwoLiveUrls()
    {
        var calls = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ApiCall.PostAsync(account.Api, $"v4/sources/{source.Id}/tokens", "")));

        Assert.Equal(1, calls.Count(c => c.Status == HttpStatusCode.OK));
        Assert.Equal(7, calls.Count(c => c.Status == HttpStatusCode.BadRequest));
        Assert.Equal(2, (await ApiCall.GetAsync(account.Api, $"v4/sources/{source.Id}/tokens")).Json.GetArrayLength());
    }

    [Fact]
    public async Task Create_AfterRevokingOne_IsAllowedAgain()
    {
        (await ApiCall.PostAsync(account.Api, $"v4/sources/{source.Id}/tokens", "")).AssertOk();
        var firstId = (await ApiCall.GetAsync(account.Api, $"v4/sources/{source.Id}/tokens")).Json[0].GetProperty("id").GetInt64();
        (await ApiCall.DeleteAsync(account.Api, $"v4/sources/{source.Id}/tokens/{firstId}")).AssertOk();

        var call = await ApiCall.PostAsync(account.Api, $"v4/sources/{source.Id}/tokens", "");

        call.AssertOk();
    }

    [Fact]
    public async Task List_ShowsIdHintAndCreatedAt_NeverTheToken()
    {
        var second = await ApiCall.PostAsync(account.Api, $"v4/sources/{source.Id}/tokens", "");

        var list = await ApiCall.GetAsync(account.Api, $"v4/sources/{source.Id}/tokens");

        list.AssertOk();
        var items = list.Json.EnumerateArray().ToArray();
        Assert.Equal(2, items.Length);
        Assert.Equal(source.WebhookUrl[^4..], items[0].GetProperty("hint").GetString());
        Assert.Equal(second.Json.GetProperty("id").GetInt64(), items[1].GetProperty("id").GetInt64());
        Assert.All(items, i => Assert.EndsWith("Z", i.GetProperty("created_at").GetString(), StringComparison.Ordinal));
        Assert.DoesNotContain(source.WebhookUrl[^64..], list.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(second.Json.GetProperty("url").GetString()![^64..], list.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_Token_StopsResolvingAtOnce()
    {
        var tokenId = (await ApiCall.GetAsync(account.Api, $"v4/sources/{source.Id}/tokens")).Json[0].GetProperty("id").GetInt64();
        Assert.NotNull(await ResolveAsync(source.WebhookUrl)); // now cached

        var call = await ApiCall.DeleteAsync(account.Api, $"v4/sources/{source.Id}/tokens/{tokenId}");

        call.AssertOk();
        Assert.Equal(tokenId, call.Json.GetProperty("id").GetInt64());
        Assert.EndsWith("Z", call.Json.GetProperty("revoked_at").GetString(), StringComparison.Ordinal);
        Assert.Null(await ResolveAsync(source.WebhookUrl));
        Assert.Empty((await ApiCall.GetAsync(account.Api, $"v4/sources/{source.Id}/tokens")).Json.EnumerateArray());
    }

    [Fact]
    public async Task Revoke_UnknownOrAlreadyRevokedToken_Answers404()
    {
        var tokenId = (await ApiCall.GetAsync(account.Api, $"v4/sources/{source.Id}/tokens")).Json[0].GetProperty("id").GetInt64();
        (await ApiCall.DeleteAsync(account.Api, $"v4/sources/{source.Id}/tokens/{tokenId}")).AssertOk();

        (await ApiCall.DeleteAsync(account.Api, $"v4/sources/{source.Id}/tokens/{tokenId}"))
            .AssertError(HttpStatusCode.NotFound, "not_found", $"Webhook URL {tokenId} was not found");
        (await ApiCall.DeleteAsync(account.Api, $"v4/sources/{source.Id}/tokens/777"))
            .AssertError(HttpStatusCode.NotFound, "not_found", "Webhook URL 777 was not found");
    }

    [Fact]
    public async Task Revoke_TokenOfAnotherSource_Answers404AndKeepsIt()
    {
        var other = await server.CreateSourceAsync(account.Api, "Other");
        var otherTokenId = (await ApiCall.GetAsync(account.Api, $"v4/sources/{other.Id}/tokens")).Json[0].GetProperty("id").GetInt64();

        var call = await ApiCall.DeleteAsync(account.Api, $"v4/sources/{source.Id}/tokens/{otherTokenId}");

        call.AssertError(HttpStatusCode.NotFound, "not_found", "was not found");
        Assert.NotNull(await ResolveAsync(other.WebhookUrl));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("GET")]
    public async Task Tokens_OfUnknownSource_Answer404(string method)
    {
        var call = await ApiCall.SendAsync(account.Api, new HttpMethod(method), "v4/sources/31337/tokens");

        call.AssertError(HttpStatusCode.NotFound, "not_found", "Source 31337 was not found");
    }

    [Fact]
    public async Task Tokens_OfDeletedSource_Answer404()
    {
        (await ApiCall.DeleteAsync(account.Api, $"v4/sources/{source.Id}")).AssertOk();

        (await ApiCall.PostAsync(account.Api, $"v4/sources/{source.Id}/tokens", ""))
            .AssertError(HttpStatusCode.NotFound, "not_found", $"Source {source.Id} was not found");
    }

    [Fact]
    public async Task Resolve_PausedSource_IsInactive_ResumedSource_IsActive()
    {
        Assert.True((await ResolveAsync(source.WebhookUrl))!.IsActive);

        (await ApiCall.PutAsync(account.Api, $"v4/sources/{source.Id}", """{"paused":true}""")).AssertOk();
        Assert.Equal(new WebhookTarget(account.ClientId, source.Id, false, SourceLayout.Default), await ResolveAsync(source.WebhookUrl));

        (await ApiCall.PutAsync(account.Api, $"v4/sources/{source.Id}", """{"paused":false}""")).AssertOk();
        Assert.Equal(new WebhookTarget(account.ClientId, source.Id, true, SourceLayout.Default), await ResolveAsync(source.WebhookUrl));
    }

    [Fact]
    public async Task Resolve_DeletedSource_IsInactive()
    {
        Assert.True((await ResolveAsync(source.WebhookUrl))!.IsActive);

        (await ApiCall.DeleteAsync(account.Api, $"v4/sources/{source.Id}")).AssertOk();

        Assert.Equal(new WebhookTarget(account.ClientId, source.Id, false, SourceLayout.Default), await ResolveAsync(source.WebhookUrl));
    }

    [Fact]
    public async Task Resolve_TokenUnderAnotherClientId_IsNull()
    {
        var token = source.WebhookUrl[^64..];
        var resolver = server.GetService<IWebhookTokenResolver>();
        Assert.NotNull(await resolver.ResolveAsync(account.ClientId, token, CancellationToken.None));

        Assert.Null(await resolver.ResolveAsync(account.ClientId + 1, token, CancellationToken.None));
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("not-a-token")]
    [InlineData("")]
    public async Task Resolve_UnknownOrMalformedToken_IsNull(string token)
    {
        var resolver = server.GetService<IWebhookTokenResolver>();

        Assert.Null(await resolver.ResolveAsync(account.ClientId, token, CancellationToken.None));
    }

    [Fact]
    public async Task Resolve_UppercasedToken_IsNull()
    {
        var resolver = server.GetService<IWebhookTokenResolver>();

        Assert.Null(await resolver.ResolveAsync(account.ClientId, source.WebhookUrl[^64..].ToUpperInvariant(), CancellationToken.None));
    }

    private async Task<WebhookTarget?> ResolveAsync(string url)
    {
        var parts = new Uri(url).AbsolutePath.Split('/');
        var clientId = long.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture);
        return await server.GetService<IWebhookTokenResolver>().ResolveAsync(clientId, parts[5], CancellationToken.None);
    }
}
