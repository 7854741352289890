using System.Net;
using System.Text;
using System.Text.Json;

namespace Sluice.Server.Tests.Api;

/// <summary>One HTTP call to the API with a raw JSON body, and its status and parsed answer.</summary>
internal sealed record ApiCall(HttpStatusCode Status, JsonElement Json, string Text)
{
    public static async Task<ApiCall> SendAsync(HttpClient client, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new ApiCall(response.StatusCode, json, text);
    }

    public static Task<ApiCall> GetAsync(HttpClient client, string path) => SendAsync(client, HttpMethod.Get, path);

    public static Task<ApiCall> PostAsync(HttpClient client, string path, string body) => SendAsync(client, HttpMethod.Post, path, body);

    public static Task<ApiCall> PutAsync(HttpClient client, string path, string body) => SendAsync(client, HttpMethod.Put, path, body);

    public static Task<ApiCall> DeleteAsync(HttpClient client, string path) => SendAsync(client, HttpMethod.Delete, path);

    /// <summary>Asserts a Connect error body of the given status and type whose message contains <paramref name="fragment"/>.</summary>
    public void AssertError(HttpStatusCode status, string type, string fragment)
    {
        Assert.True(Status == status, $"Expected {(int)status}, got {(int)Status}: {Text}");
        var error = Json.GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Contains(fragment, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    public void AssertOk()
    {
        Assert.True(Status == HttpStatusCode.OK, $"Expected 200, got {(int)Status}: {Text}");
    }
}
