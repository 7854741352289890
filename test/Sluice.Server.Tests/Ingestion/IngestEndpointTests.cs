using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Sluice.Testing;

namespace Sluice.Server.Tests.Ingestion;

public sealed class IngestEndpointTests(IngestServerFixture fixture) : IClassFixture<IngestServerFixture>
{
    private const string Accepted = """{"status":"OK","message":"Batch Accepted!"}""";
    private const string NotFound = """{"status":"ERROR","message":"Not found."}""";
    private const string Inactive = """{"error":"Forbidden","errors":{"error":"Connection is not active."}}""";
    private const int Limit = 20 * 1024 * 1024;

    private SluiceServer Server => fixture.Server;

    [Fact]
    public async Task Post_Object_StoresOneRecordAfterCommit()
    {
        var source = await NewSourceAsync();

        var (status, body) = await PostAsync(source.WebhookUrl, """{"id":1,"name":"a"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Accepted, body);
        var stored = Assert.Single(await fixture.StoredAsync(source.Id));
        Assert.Equal("""{"id":1,"name":"a"}""", stored.Json);
        Assert.InRange(stored.ReceivedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Post_ArrayOfObjects_StoresEachElementRawInArrayOrder()
    {
        var source = await NewSourceAsync();

        var (status, body) = await PostAsync(source.WebhookUrl, """[{"n":3, "price":1.50},{"n":1,"big":12345678901234567890123},  {"n":2,"e":1E+3}]""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Accepted, body);
        var stored = await fixture.StoredAsync(source.Id);
        Assert.Equal(["""{"n":3, "price":1.50}""", """{"n":1,"big":12345678901234567890123}""", """{"n":2,"e":1E+3}"""], stored.Select(r => r.Json));
        Assert.Equal(stored[0].Sequence + 1, stored[1].Sequence);
        Assert.Equal(stored[1].Sequence + 1, stored[2].Sequence);
    }

    [Fact]
    public async Task Post_EmptyArray_AcceptedAndStoresNothing()
    {
        var source = await NewSourceAsync();

        var (status, body) = await PostAsync(source.WebhookUrl, "[]");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Accepted, body);
        Assert.Empty(await fixture.StoredAsync(source.Id));
    }

    [Theory]
    [InlineData("42", "found a number at the root")]
    [InlineData("\"text\"", "found a string at the root")]
    [InlineData("null", "found null at the root")]
    [InlineData("[{\"a\":1}, 2]", "found a number at index 1")]
    [InlineData("[{\"a\":1}, [{\"b\":2}]]", "found an array at index 1")]
    public async Task Post_NotObjectOrArrayOfObjects_400AndStoresNothing(string json, string reason)
    {
        var source = await NewSourceAsync();

        var (status, body) = await PostAsync(source.WebhookUrl, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = ParseError(body);
        Assert.Equal("Malformed json in the body!", error.Message);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Empty(await fixture.StoredAsync(source.Id));
    }

    [Theory]
    [InlineData("{\"a\":1", "line 1")]
    [InlineData("[{\"a\":1},\n{\"b\":}]", "line 2, byte 6")]
    [InlineData("{\"a\":1} {\"b\":2}", "there is more after the first JSON value; send one object, or one array of objects (line 1, byte 9)")]
    [InlineData("", "The body is empty: send a JSON object or an array of JSON objects.")]
    [InlineData("[{\"a\":1},]", "The body is not valid JSON: a trailing comma before ']' is not allowed (line 1, byte 9).")]
    [InlineData("{\"a\":1 /* why */}", "The body is not valid JSON: a comment is not allowed (JSON has no comments) (line 1, byte 8).")]
    [InlineData("{\"a\":1,\"b\":[1,2", "The body is not valid JSON: it ends in the middle of a value (line 1, byte 16).")]
    [InlineData("{'a':1}", "line 1, byte 2")]
    public async Task Post_MalformedJson_400WithSpecificReasonAndStoresNothing(string json, string reason)
    {
        var source = await NewSourceAsync();

        var (status, body) = await PostAsync(source.WebhookUrl, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = ParseError(body);
        Assert.Equal("ERROR", error.Status);
        Assert.Equal("Malformed json in the body!", error.Message);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Empty(await fixture.StoredAsync(source.Id));
    }

    [Fact]
    public async Task Post_NestedDeeperThanLimit_400SaysTheLimit()
    {
        var source = await NewSourceAsync();
        var atLimit = string.Concat(Enumerable.Repeat("{\"a\":", 63)) + "1" + new string('}', 63);
        var tooDeep = "[" + string.Concat(Enumerable.Repeat("{\"a\":", 64)) + "1" + new string('}', 64) + "]";

        var (okStatus, _) = await PostAsync(source.WebhookUrl, "{\"x\":" + atLimit + "}");
        var (status, body) = await PostAsync(source.WebhookUrl, tooDeep);

        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("nested deeper than the limit of 64 levels", ParseError(body).Reason, StringComparison.Ordinal);
        Assert.Single(await fixture.StoredAsync(source.Id));
    }

    [Theory]
    [InlineData("{\"a\":", "[", "]", "}")] // arrays of arrays in a record (found by the fuzz run)
    [InlineData("[", "[", "]", "]")]
    [InlineData("{\"a\":", "{\"b\":[", "]}", "}")]
    public async Task Post_ArraysNestedDeeperThanLimit_400SaysTheLimit(string open, string level, string close, string end)
    {
        var source = await NewSourceAsync();
        var tooDeep = open + string.Concat(Enumerable.Repeat(level, 70)) + "1" + string.Concat(Enumerable.Repeat(close, 70)) + end;

        var (status, body) = await PostAsync(source.WebhookUrl, tooDeep);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("nested deeper than the limit of 64 levels", ParseError(body).Reason, StringComparison.Ordinal);
        Assert.Empty(await fixture.StoredAsync(source.Id));
    }

    [Fact]
    public async Task Post_SyntaxErrorAtTheDepthLimit_400NamesTheSyntaxNotTheDepth()
    {
        var source = await NewSourceAsync();
        var atLimit = "{\"a\":" + new string('[', 63) + "x" + new string(']', 63) + "}";

        var (status, body) = await PostAsync(source.WebhookUrl, atLimit);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var reason = ParseError(body).Reason;
        Assert.DoesNotContain("nested deeper", reason, StringComparison.Ordinal);
        Assert.Contains("(line 1, byte 69)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_InvalidUtf8_400SaysSoAndStoresNothing()
    {
        var source = await NewSourceAsync();
        byte[] bytes = [.. "{\"a\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Server.Anonymous.PostAsync(source.WebhookUrl, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid UTF-8", ParseError(await response.Content.ReadAsStringAsync()).Reason, StringComparison.Ordinal);
        Assert.Empty(await fixture.StoredAsync(source.Id));
    }

    [Fact]
    public async Task Post_BodyJustUnderLimit_Accepted_AtLimit_413()
    {
        var source = await NewSourceAsync();

        var (underStatus, _) = await PostAsync(source.WebhookUrl, BigObject(Limit - 1));
        var (atStatus, atBody) = await PostAsync(source.WebhookUrl, BigObject(Limit));

        Assert.Equal(HttpStatusCode.OK, underStatus);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, atStatus);
        using var json = JsonDocument.Parse(atBody);
        Assert.Equal("ERROR", json.RootElement.GetProperty("status").GetString());
        Assert.Equal($"Request rejected: request size ({Limit} bytes) exceeds the maximum", json.RootElement.GetProperty("message").GetString());
        Assert.Equal(Limit - 1, Assert.Single(await fixture.StoredAsync(source.Id)).Json.Length);
    }

    [Fact]
    public async Task Post_ContentLengthOverLimit_413BeforeTheBodyIsSent()
    {
        var source = await NewSourceAsync();
        var url = new Uri(source.WebhookUrl);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port);
        await using var stream = tcp.GetStream();
        var head = $"POST {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: application/json\r\nContent-Length: {Limit + 5}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var response = await ReadResponseAsync(stream, "exceeds the maximum").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 413", response, StringComparison.Ordinal);
        Assert.Contains($"Request rejected: request size ({Limit + 5} bytes) exceeds the maximum", response, StringComparison.Ordinal);
        Assert.Empty(await fixture.StoredAsync(source.Id));
    }

    [Fact]
    public async Task Post_ChunkedBodyOverLimit_CutOffWith413()
    {
        var source = await NewSourceAsync();
        var bytes = Encoding.UTF8.GetBytes(BigObject(Limit + (1024 * 1024)));

        using var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, source.WebhookUrl) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await Server.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ERROR", json.RootElement.GetProperty("status").GetString());
        // Only the first Limit bytes were read: the message says the limit and that the body was larger, not a size it never saw.
        Assert.Equal(
            $"Request rejected: request size exceeds the maximum (the chunked body reached the limit of {Limit} bytes; reading stopped there)",
            json.RootElement.GetProperty("message").GetString());
        Assert.Equal($"Bodies must be smaller than {Limit} bytes; send fewer records per request.", json.RootElement.GetProperty("error").GetString());
        Assert.Empty(await fixture.StoredAsync(source.Id));
    }

    [Fact]
    public async Task Post_TokensThatDoNotOpenThisSource_404WithOneIdenticalBody()
    {
        var source = await NewSourceAsync();
        var other = await Server.CreateAccountAsync();
        var otherSource = await Server.CreateSourceAsync(other.Api, "Other " + Guid.NewGuid().ToString("N"));
        var otherToken = otherSource.WebhookUrl[(otherSource.WebhookUrl.LastIndexOf('/') + 1)..];
        var revoked = await Server.Api.PostAsync(new Uri($"v4/sources/{source.Id}/tokens", UriKind.Relative), null);
        var revokedToken = await revoked.Content.ReadFromJsonAsync<JsonElement>();
        var revokedUrl = revokedToken.GetProperty("url").GetString()!;
        var revokedId = revokedToken.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await Server.Api.DeleteAsync(new Uri($"v4/sources/{source.Id}/tokens/{revokedId}", UriKind.Relative))).StatusCode);
        string[] urls =
        [
            $"{Server.BaseAddress}v1/clients/{Server.ClientId}/token/{new string('a', 64)}",
            $"{Server.BaseAddress}v1/clients/{Server.ClientId}/token/{otherToken}",
            $"{Server.BaseAddress}v1/clients/{Server.ClientId}/token/not-a-token",
            $"{Server.BaseAddress}v1/clients/abc/token/{otherToken}",
            revokedUrl,
        ];

        foreach (var url in urls)
        {
            var (status, body) = await PostAsync(url, """{"id":1}""");
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal(NotFound, body);
        }

        Assert.Empty(await fixture.StoredAsync(source.Id));
        Assert.Empty(await fixture.StoredAsync(otherSource.Id));
    }

    [Fact]
    public async Task Post_PausedSource_401AndStoresNothing_ResumedAccepts()
    {
        var source = await NewSourceAsync();
        await Server.Api.PutAsJsonAsync($"v4/sources/{source.Id}", new { paused = true });

        var (status, body) = await PostAsync(source.WebhookUrl, """{"id":1}""");
        await Server.Api.PutAsJsonAsync($"v4/sources/{source.Id}", new { paused = false });
        var (resumed, _) = await PostAsync(source.WebhookUrl, """{"id":2}""");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(Inactive, body);
        Assert.Equal(HttpStatusCode.OK, resumed);
        Assert.Equal("""{"id":2}""", Assert.Single(await fixture.StoredAsync(source.Id)).Json);
    }

    [Fact]
    public async Task Post_DeletedSource_401AndStoresNothing()
    {
        var source = await NewSourceAsync();
        Assert.Equal(HttpStatusCode.OK, (await Server.Api.DeleteAsync(new Uri($"v4/sources/{source.Id}", UriKind.Relative))).StatusCode);

        var (status, body) = await PostAsync(source.WebhookUrl, """{"id":1}""");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(Inactive, body);
        Assert.Empty(await fixture.StoredAsync(source.Id));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    public async Task OtherMethods_405MethodNotAllowed(string method)
    {
        var source = await NewSourceAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), source.WebhookUrl);
        if (method is "PUT" or "PATCH")
        {
            request.Content = new StringContent("""{"id":1}""", Encoding.UTF8, "application/json");
        }

        using var response = await Server.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("Method not allowed.", await response.Content.ReadAsStringAsync());
        Assert.Empty(await fixture.StoredAsync(source.Id));
    }

    [Fact]
    public async Task Head_LiveUrl_200_UnknownUrl_404()
    {
        var source = await NewSourceAsync();

        using var live = await Server.Anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, source.WebhookUrl));
        using var unknown = await Server.Anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"{Server.BaseAddress}v1/clients/1/token/{new string('b', 64)}"));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=xyz")]
    public async Task Post_FormOrMultipart_415AndStoresNothing(string contentType)
    {
        var source = await NewSourceAsync();
        using var content = new StringContent("""{"id":1}""");
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await Server.Anonymous.PostAsync(source.WebhookUrl, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Empty(await fixture.StoredAsync(source.Id));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/vnd.custom+json")]
    [InlineData(null)]
    public async Task Post_OtherContentTypeWithJson_Accepted(string? contentType)
    {
        var source = await NewSourceAsync();
        using var content = new ByteArrayContent("""{"id":1}"""u8.ToArray());
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await Server.Anonymous.PostAsync(source.WebhookUrl, content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await fixture.StoredAsync(source.Id));
    }

    [Fact]
    public async Task Post_WithAuthorizationHeader_IgnoredAndAccepted()
    {
        var source = await NewSourceAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, source.WebhookUrl)
        {
            Content = new StringContent("""{"id":1}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-real-token");

        using var response = await Server.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await fixture.StoredAsync(source.Id));
    }

    private async Task<TestSource> NewSourceAsync() =>
        await Server.CreateSourceAsync(Server.Api, "Ingest " + Guid.NewGuid().ToString("N")[..12]);

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string url, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Server.Anonymous.PostAsync(url, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Reads a raw HTTP response until it contains <paramref name="marker"/> (the server may reset the connection afterwards).</summary>
    private static async Task<string> ReadResponseAsync(NetworkStream stream, string marker)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return received.ToString();
    }

    /// <summary>A JSON object of exactly <paramref name="size"/> bytes.</summary>
    private static string BigObject(int size) => "{\"pad\":\"" + new string('x', size - 10) + "\"}";

    private static (string? Status, string? Message, string Reason) ParseError(string body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return (root.GetProperty("status").GetString(), root.GetProperty("message").GetString(), root.GetProperty("error").GetString()!);
    }
}
