using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sluice.Testing;

namespace Sluice.Reliability.Tests;

/// <summary>One HTTP exchange as a test reads it: method, path, status and body (JSON when it parses).</summary>
internal sealed record HttpCall(string Method, string Path, HttpStatusCode Status, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public override string ToString() => $"{Method} {Path} -> {(int)Status}: {(Body.Length > 400 ? Body[..400] + "..." : Body)}";

    public HttpCall AssertOk()
    {
        Assert.True((int)Status is >= 200 and < 300, ToString());
        return this;
    }

    public static async Task<HttpCall> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is string text)
        {
            request.Content = new StringContent(text, Encoding.UTF8, "application/json");
        }
        else if (body is HttpContent content)
        {
            request.Content = content;
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request);
        return new HttpCall(method.Method, path, response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static Task<HttpCall> GetAsync(HttpClient client, string path) => SendAsync(client, HttpMethod.Get, path);

    public static Task<HttpCall> PostAsync(HttpClient client, string path, object? body = null) => SendAsync(client, HttpMethod.Post, path, body);

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds; the timeout message names <paramref name="what"/> and the last value.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, int seconds = 30)
    {
        T value = default!;
        await Eventually.AssertAsync(
            async () =>
            {
                value = await read();
                return done(value);
            },
            what,
            TimeSpan.FromSeconds(seconds),
            () => $"{value}",
            every: TimeSpan.FromMilliseconds(50));
        return value;
    }
}
