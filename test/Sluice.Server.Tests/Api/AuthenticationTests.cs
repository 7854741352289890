using System.Net;
using Sluice.Testing;

namespace Sluice.Server.Tests.Api;

public sealed class AuthenticationTests : IClassFixture<AuthenticationTests.Server>
{
    private readonly SluiceServer server;

    public AuthenticationTests(Server fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        server = fixture.Instance;
    }

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "v4/source-types" },
        { "GET", "v4/sources" },
        { "POST", "v4/sources" },
        { "GET", "v4/sources/1" },
        { "PUT", "v4/sources/1" },
        { "DELETE", "v4/sources/1" },
        { "POST", "v4/sources/1/tokens" },
        { "GET", "v4/sources/1/tokens" },
        { "DELETE", "v4/sources/1/tokens/1" },
        { "GET", "v4/destinations" },
        { "GET", "v4/destinations/1" },
        { "POST", "v4/tokens" },
        { "GET", "v4/tokens" },
        { "DELETE", "v4/tokens/1" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_WithoutToken_Answers401Json(string method, string path)
    {
        var call = await ApiCall.SendAsync(server.Anonymous, new HttpMethod(method), path, method is "POST" or "PUT" ? "{}" : null);

        call.AssertError(HttpStatusCode.Unauthorized, "unauthorized", "Missing API token");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_WithUnknownToken_Answers401Json(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer ac_" + new string('0', 48));
        using var response = await server.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"type\":\"unauthorized\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer garbage", "not valid")]
    [InlineData("Bearer ", "not valid")]
    [InlineData("Basic dXNlcjpwYXNz", "must use the Bearer scheme")]
    public async Task Request_WithMalformedAuthorization_Answers401WithReason(string header, string expectedFragment)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v4/sources");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        using var response = await server.Anonymous.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(expectedFragment, text, StringComparison.Ordinal);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Request_WithAdminTokenFromFile_IsAuthenticated()
    {
        var call = await ApiCall.GetAsync(server.Api, "v4/sources");

        call.AssertOk();
    }

    [Fact]
    public async Task Request_WithLowercaseBearerScheme_IsAuthenticated()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v4/sources");
        request.Headers.TryAddWithoutValidation("Authorization", "bearer " + server.AdminToken);
        using var response = await server.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public sealed class Server : IAsyncLifetime
    {
        public SluiceServer Instance { get; private set; } = null!;

        public async Task InitializeAsync() => Instance = await SluiceServer.StartAsync();

        public async Task DisposeAsync() => await Instance.DisposeAsync();
    }
}
