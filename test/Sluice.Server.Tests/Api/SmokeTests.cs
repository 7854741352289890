using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sluice.Server.Ingestion;
using Sluice.Testing;

namespace Sluice.Server.Tests.Api;

public class SmokeTests
{
    [Fact]
    public async Task CreateSource_FirstStart_ReturnsWebhookUrlThatResolves()
    {
        await using var server = await SluiceServer.StartAsync();
        var source = await server.CreateSourceAsync(server.Api, "Shop Events", "id");
        Assert.Equal("shop_events", source.Name);
        var token = source.WebhookUrl[(source.WebhookUrl.LastIndexOf('/') + 1)..];
        Assert.StartsWith(server.BaseAddress + "v1/clients/1/token/", source.WebhookUrl, StringComparison.Ordinal);
        var target = await server.GetService<IWebhookTokenResolver>().ResolveAsync(1, token, CancellationToken.None);
        Assert.Equal(new WebhookTarget(1, source.Id, true), target);
        var json = await server.Api.GetStringAsync("v4/sources");
        Assert.Contains("\"stitch_client_id\":1", json, StringComparison.Ordinal);
        using var anon = await server.Anonymous.GetAsync("v4/sources");
        Assert.Equal(HttpStatusCode.Unauthorized, anon.StatusCode);
    }
}
