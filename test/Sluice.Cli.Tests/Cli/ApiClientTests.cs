using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Cli.Api;

namespace Sluice.Cli.Tests.Cli;

/// <summary>
/// Unit tests of <see cref="ApiClient"/> alone, against a real Kestrel on loopback that answers canned responses:
/// how every kind of server answer becomes one actionable line.
/// </summary>
public sealed class ApiClientTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private Uri _baseAddress = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet("/v4/ok", (HttpContext c) => Results.Json(new { id = 1, auth = c.Request.Headers.Authorization.ToString() }));
        _app.MapGet("/v4/missing", () => Results.Json(new { error = new { type = "not_found", message = "No source with id 9 in this account." } }, statusCode: 404));
        _app.MapGet("/v4/denied", () => Results.Json(new { error = new { type = "unauthorized", message = "The API token is not valid." } }, statusCode: 401));
        _app.MapGet("/v4/problem", () => Results.Problem(detail: "Something broke\nbadly.", statusCode: 500));
        _app.MapGet("/v4/text", () => Results.Text("upstream exploded", statusCode: 502));
        _app.MapGet("/v4/html", () => Results.Text("<html>ok</html>", "text/html"));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _baseAddress = new Uri(address);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task GetAsync_Success_ReturnsJsonAndSendsTheBearerToken()
    {
        using var api = Client();

        var body = await api.GetAsync("v4/ok", CancellationToken.None);

        Assert.Equal(1, body.GetProperty("id").GetInt32());
        Assert.Equal("Bearer ac_secret", body.GetProperty("auth").GetString());
    }

    [Fact]
    public async Task GetAsync_ApiError_MessageIsTheApisMessageWithTheStatus()
    {
        using var api = Client();

        var e = await Assert.ThrowsAsync<CliException>(() => api.GetAsync("v4/missing", CancellationToken.None));

        Assert.Equal("No source with id 9 in this account. (HTTP 404)", e.Message);
    }

    [Fact]
    public async Task GetAsync_Unauthorized_NamesWhereTheTokenCameFrom()
    {
        using var api = Client();

        var e = await Assert.ThrowsAsync<CliException>(() => api.GetAsync("v4/denied", CancellationToken.None));

        Assert.Equal("the server refused the API token from SLUICE_TOKEN (HTTP 401: The API token is not valid.)", e.Message);
    }

    [Fact]
    public async Task PostAsync_EndpointMissing_SaysTheServerLacksIt()
    {
        using var api = Client();

        var e = await Assert.ThrowsAsync<CliException>(() => api.PostAsync("v4/destinations", null, CancellationToken.None));

        Assert.Equal($"the server at {_baseAddress.GetLeftPart(UriPartial.Authority)} has no endpoint POST /v4/destinations (HTTP 404); it may be older than this CLI", e.Message);
    }

    [Theory]
    [InlineData("v4/problem", "Something broke badly. (HTTP 500)")]
    [InlineData("v4/text", "upstream exploded (HTTP 502)")]
    public async Task GetAsync_OtherErrorBodies_OneLineWithTheStatus(string path, string expected)
    {
        using var api = Client();

        var e = await Assert.ThrowsAsync<CliException>(() => api.GetAsync(path, CancellationToken.None));

        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public async Task GetAsync_SuccessButNotJson_SaysSo()
    {
        using var api = Client();

        var e = await Assert.ThrowsAsync<CliException>(() => api.GetAsync("v4/html", CancellationToken.None));

        Assert.Contains("with something that is not JSON: <html>ok</html>", e.Message, StringComparison.Ordinal);
    }

    private ApiClient Client() => new(new ServerConnection(_baseAddress, "ac_secret", "SLUICE_TOKEN"));
}
