using Sluice.Testing;

namespace Sluice.Server.Tests.Web;

/// <summary>Behind a TLS-terminating proxy on the same machine, the web app's cookies are Secure.</summary>
public sealed class ForwardedProtoTests : IAsyncLifetime
{
    private SluiceServer server = null!;

    public async Task InitializeAsync() => server = await SluiceServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Theory]
    [InlineData(null, false)]
    [InlineData("https", true)]
    public async Task SignInPage_XForwardedProtoFromLoopback_CookieSecureOnlyWhenTheProxySaysHttps(string? proto, bool secure)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/signin", UriKind.Relative));
        if (proto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", proto);
        }

        using var response = await server.Anonymous.SendAsync(request);

        response.EnsureSuccessStatusCode();
        // The anti-forgery cookie the sign-in form needs (the session cookie follows the same policy).
        var antiforgery = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("sluice_antiforgery=", StringComparison.Ordinal));
        Assert.Equal(secure, antiforgery.Contains("; secure", StringComparison.OrdinalIgnoreCase));
    }
}
