using System.Net;
using System.Text.RegularExpressions;

namespace Sluice.Reliability.Tests.Isolation;

/// <summary>
/// A browser's view of the web app without a browser: a cookie jar, no automatic redirects, and the anti-forgery token
/// every form carries. Signs in through the sign-in form as a person would.
/// </summary>
internal sealed partial class WebSession : IDisposable
{
    public const string AntiforgeryField = "__sluice_af";

    private readonly HttpClient _client;

    private WebSession(HttpClient client) => _client = client;

    public string Antiforgery { get; private set; } = string.Empty;

    public static async Task<WebSession> SignInAsync(Uri baseAddress, string email, string password)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true };
        var session = new WebSession(new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) });
        var form = await session.GetAsync("/signin");
        session.Antiforgery = TokenOf(form.Body);
        var signIn = await session.PostAsync("/signin", new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });
        Assert.True(signIn.Status == HttpStatusCode.Redirect, $"Signing in as {email}: {signIn}");

        // The token is bound to the signed-in user: take a fresh one from a page of the session.
        session.Antiforgery = TokenOf((await session.GetAsync("/settings/notifications")).Body);
        return session;
    }

    public async Task<HttpCall> GetAsync(string path)
    {
        using var response = await _client.GetAsync(path.TrimStart('/'));
        return new HttpCall("GET", path, response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts a form (the session's anti-forgery token added) to <paramref name="path"/>.</summary>
    public async Task<HttpCall> PostAsync(string path, IDictionary<string, string> fields)
    {
        var all = new Dictionary<string, string>(fields) { [AntiforgeryField] = Antiforgery };
        using var content = new FormUrlEncodedContent(all);
        using var response = await _client.PostAsync(path.TrimStart('/'), content);
        return new HttpCall("POST", path, response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string TokenOf(string html)
    {
        var match = TokenInput().Match(html);
        Assert.True(match.Success, "No anti-forgery token in the page: " + (html.Length > 300 ? html[..300] : html));
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("<input[^>]*name=\"" + AntiforgeryField + "\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();

    public void Dispose() => _client.Dispose();
}
