using System.Net;
using System.Text.RegularExpressions;
using Sluice.Core.Hooks;
using Sluice.Server.Tests.Api;
using Sluice.Testing;

namespace Sluice.Server.Tests.Hooks;

/// <summary><c>/notifications/public/v1/api/hooks</c>: bodies and every documented error byte for byte (BEHAVIOUR.md §7.2-7.4).</summary>
public sealed partial class ApiHooksTests : IAsyncLifetime
{
    private const string Hooks = "notifications/public/v1/api/hooks";
    private const string InvalidPostBody = """{"data":{"message":"Invalid POST body"},"error":"InvalidBody"}""";
    private const string InvalidPutBody = """{"data":{"message":"PUT body must only contain boolean 'enable' key"},"error":"InvalidBody"}""";
    private const string NotFound = """{"error":"NotFound"}""";

    private SluiceServer server = null!;
    private long destinationId;

    public async Task InitializeAsync()
    {
        server = await SluiceServer.StartAsync();
        destinationId = await DestinationIdAsync(server.Api);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    internal static async Task<long> DestinationIdAsync(HttpClient api) =>
        (await ApiCall.GetAsync(api, "v4/destinations")).Json.EnumerateArray().Single().GetProperty("id").GetInt64();

    internal static string CreateBody(long destinationId, string url = "https://hooks.example.com/catch/1") =>
        $$$"""{"type":"post_load","destination_id":{{{destinationId}}},"config":{"url":"{{{url}}}"}}""";

    private static void AssertBody(ApiCall call, HttpStatusCode status, string body)
    {
        Assert.True(call.Status == status, $"Expected {(int)status}, got {(int)call.Status}: {call.Text}");
        Assert.Equal(body, call.Text);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex SecondTimestamp();

    [Fact]
    public async Task Create_ValidBody_ReturnsEnabledHookWithSecretOnce()
    {
        var call = await ApiCall.PostAsync(server.Api, Hooks, CreateBody(destinationId));

        call.AssertOk();
        var hook = call.Json;
        Assert.Equal(
            ["id", "client_id", "type", "version", "config", "destination_id", "created_at", "modified_at", "disabled_at"],
            hook.EnumerateObject().Select(p => p.Name));
        Assert.Equal(server.ClientId, hook.GetProperty("client_id").GetInt64());
        Assert.Equal("post_load", hook.GetProperty("type").GetString());
        Assert.Equal(1, hook.GetProperty("version").GetInt32());
        Assert.Equal(destinationId, hook.GetProperty("destination_id").GetInt64());
        Assert.Equal("https://hooks.example.com/catch/1", hook.GetProperty("config").GetProperty("url").GetString());
        Assert.Equal(destinationId, hook.GetProperty("config").GetProperty("destination_id").GetInt64());
        Assert.StartsWith(HookSignature.SecretPrefix, hook.GetProperty("config").GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Matches(SecondTimestamp(), hook.GetProperty("created_at").GetString());
        Assert.Equal(hook.GetProperty("created_at").GetString(), hook.GetProperty("modified_at").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, hook.GetProperty("disabled_at").ValueKind);

        var again = await ApiCall.GetAsync(server.Api, $"{Hooks}/{hook.GetProperty("id").GetInt64()}");
        again.AssertOk();
        Assert.False(again.Json.GetProperty("config").TryGetProperty("secret", out _));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"type":"post_load","config":{"url":"https://a.example.com"}}""")]
    [InlineData("""{"destination_id":{dest},"config":{"url":"https://a.example.com"}}""")]
    [InlineData("""{"type":"post_load","destination_id":{dest}}""")]
    [InlineData("""{"type":"post_load","destination_id":{dest},"config":{}}""")]
    [InlineData("""{"type":"pre_load","destination_id":{dest},"config":{"url":"https://a.example.com"}}""")]
    [InlineData("""{"type":"post_load","destination_id":"{dest}","config":{"url":"https://a.example.com"}}""")]
    [InlineData("""{"type":"post_load","destination_id":{dest},"config":{"url":42}}""")]
    [InlineData("""{"type":"post_load","destination_id":{dest},"config":"https://a.example.com"}""")]
    [InlineData("""{"type":"post_load","destination_id":{dest},"config":{"url":"https://a.example.com"},"extra":1}""")]
    [InlineData("""{"type":"post_load","destination_id":{dest},"config":{"url":"https://a.example.com","headers":{}}}""")]
    [InlineData("""{"type":"post_load","destination_id":999999,"config":{"url":"https://a.example.com"}}""")]
    public async Task Create_MissingExtraOrWrongFields_AnswersInvalidPostBody(string body)
    {
        var call = await ApiCall.PostAsync(server.Api, Hooks, body.Replace("{dest}", destinationId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        AssertBody(call, HttpStatusCode.BadRequest, InvalidPostBody);
    }

    [Theory]
    [InlineData("http://hooks.example.com/x")]
    [InlineData("hooks.example.com/x")]
    [InlineData("/relative/path")]
    [InlineData("ftp://hooks.example.com/x")]
    [InlineData("")]
    public async Task Create_UrlNotAbsoluteHttps_AnswersInvalidUri(string url)
    {
        var call = await ApiCall.PostAsync(server.Api, Hooks, CreateBody(destinationId, url));

        // Stitch's body, plus a detail that says what is allowed and how to allow http for development.
        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(["data", "error", "detail"], call.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Invalid URI", call.Json.GetProperty("data").GetProperty("message").GetString());
        Assert.Equal("InvalidBody", call.Json.GetProperty("error").GetString());
        Assert.Equal(
            $"A hook URL must be an absolute https:// URL with a host (http:// only with Hooks:AllowHttp=true, for development), such as https://hooks.example.com/loaded; got: {url}",
            call.Json.GetProperty("detail").GetString());
        Assert.Empty((await ApiCall.GetAsync(server.Api, Hooks)).Json.GetProperty("post_load").EnumerateArray());
    }

    [Fact]
    public async Task Create_EleventhHook_AnswersLimitError()
    {
        for (var i = 0; i < 10; i++)
        {
            (await ApiCall.PostAsync(server.Api, Hooks, CreateBody(destinationId, $"https://hooks.example.com/{i}"))).AssertOk();
        }

        var eleventh = await ApiCall.PostAsync(server.Api, Hooks, CreateBody(destinationId, "https://hooks.example.com/11"));

        AssertBody(eleventh, HttpStatusCode.BadRequest, """{"error":{"message":"You have exceeded the limit of 10 hooks."}}""");
        Assert.Equal(10, (await ApiCall.GetAsync(server.Api, Hooks)).Json.GetProperty("post_load").GetArrayLength());
    }

    [Fact]
    public async Task Create_DisabledHooksCountTowardsTheLimit_AndDeletingFreesAPlace()
    {
        var ids = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            var created = await ApiCall.PostAsync(server.Api, Hooks, CreateBody(destinationId, $"https://hooks.example.com/{i}"));
            ids.Add(created.Json.GetProperty("id").GetInt64());
        }

        (await ApiCall.PutAsync(server.Api, $"{Hooks}/{ids[0]}", """{"enable":false}""")).AssertOk();
        Assert.Equal(HttpStatusCode.BadRequest, (await ApiCall.PostAsync(server.Api, Hooks, CreateBody(destinationId))).Status);

        (await ApiCall.DeleteAsync(server.Api, $"{Hooks}/{ids[1]}")).AssertOk();
        (await ApiCall.PostAsync(server.Api, Hooks, CreateBody(destinationId))).AssertOk();
    }

    [Fact]
    public async Task Put_Disable_SetsDisabledAtAndModifiedAtToTheSameInstant_ThenEnableClearsIt()
    {
        var id = (await ApiCall.PostAsync(server.Api, Hooks, CreateBody(destinationId))).Json.GetProperty("id").GetInt64();

        var disabled = await ApiCall.PutAsync(server.Api, $"{Hooks}/{id}", """{"enable":false}""");
        disabled.AssertOk();
        Assert.Matches(SecondTimestamp(), disabled.Json.GetProperty("disabled_at").GetString());
        Assert.Equal(disabled.Json.GetProperty("modified_at").GetString(), disabled.Json.GetProperty("disabled_at").GetString());
        Assert.False(disabled.Json.GetProperty("config").TryGetProperty("secret", out _));

        var enabled = await ApiCall.PutAsync(server.Api, $"{Hooks}/{id}", """{"enable":true}""");
        enabled.AssertOk();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, enabled.Json.GetProperty("disabled_at").ValueKind);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"enable":"false"}""")]
    [InlineData("""{"enable":0}""")]
    [InlineData("""{"enable":null}""")]
    [InlineData("""{"enable":true,"url":"https://x.example.com"}""")]
    [InlineData("""{"disable":true}""")]
    [InlineData("not json")]
    public async Task Put_BodyOtherThanEnableBoolean_AnswersPutBodyError(string body)
    {
        var id = (await ApiCall.PostAsync(server.Api, Hooks, CreateBody(destinationId))).Json.GetProperty("id").GetInt64();

        var call = await ApiCall.PutAsync(server.Api, $"{Hooks}/{id}", body);

        AssertBody(call, HttpStatusCode.BadRequest, InvalidPutBody);
    }

    [Fact]
    public async Task List_IncludesDisabledHooks_UnderPostLoad()
    {
        var first = (await ApiCall.PostAsync(server.Api, Hooks, CreateBody(destinationId, "https://a.example.com/1"))).Json.GetProperty("id").GetInt64();
        await ApiCall.PostAsync(server.Api, Hooks, CreateBody(destinationId, "https://a.example.com/2"));
        await ApiCall.PutAsync(server.Api, $"{Hooks}/{first}", """{"enable":false}""");

        var list = await ApiCall.GetAsync(server.Api, Hooks);

        list.AssertOk();
        Assert.Equal(["post_load"], list.Json.EnumerateObject().Select(p => p.Name));
        var hooks = list.Json.GetProperty("post_load").EnumerateArray().ToList();
        Assert.Equal(["https://a.example.com/1", "https://a.example.com/2"], hooks.Select(h => h.GetProperty("config").GetProperty("url").GetString()));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, hooks[0].GetProperty("disabled_at").ValueKind);
        Assert.All(hooks, h => Assert.False(h.GetProperty("config").TryGetProperty("secret", out _)));
    }

    [Fact]
    public async Task Delete_ExistingHook_AnswersLiteralNull_AndTheHookIsGone()
    {
        var id = (await ApiCall.PostAsync(server.Api, Hooks, CreateBody(destinationId))).Json.GetProperty("id").GetInt64();

        var call = await ApiCall.DeleteAsync(server.Api, $"{Hooks}/{id}");

        AssertBody(call, HttpStatusCode.OK, "null");
        AssertBody(await ApiCall.GetAsync(server.Api, $"{Hooks}/{id}"), HttpStatusCode.BadRequest, NotFound);
        AssertBody(await ApiCall.DeleteAsync(server.Api, $"{Hooks}/{id}"), HttpStatusCode.BadRequest, NotFound);
    }

    [Theory]
    [InlineData("GET", "/999999", null)]
    [InlineData("PUT", "/999999", """{"enable":false}""")]
    [InlineData("DELETE", "/999999", null)]
    [InlineData("DELETE", "/not-a-number", null)]
    [InlineData("GET", "/999999/deliveries", null)]
    [InlineData("POST", "/999999/deliveries/1/replay", null)]
    public async Task UnknownId_AnswersNotFoundWith400(string method, string path, string? body)
    {
        var call = await ApiCall.SendAsync(server.Api, new HttpMethod(method), Hooks + path, body);

        AssertBody(call, HttpStatusCode.BadRequest, NotFound);
    }

    [Fact]
    public async Task AnotherAccountsHook_IsInvisibleAndUnchangeable()
    {
        var b = await server.CreateAccountAsync();
        var aHook = (await ApiCall.PostAsync(server.Api, Hooks, CreateBody(destinationId))).Json.GetProperty("id").GetInt64();

        Assert.Empty((await ApiCall.GetAsync(b.Api, Hooks)).Json.GetProperty("post_load").EnumerateArray());
        AssertBody(await ApiCall.GetAsync(b.Api, $"{Hooks}/{aHook}"), HttpStatusCode.BadRequest, NotFound);
        AssertBody(await ApiCall.PutAsync(b.Api, $"{Hooks}/{aHook}", """{"enable":false}"""), HttpStatusCode.BadRequest, NotFound);
        AssertBody(await ApiCall.DeleteAsync(b.Api, $"{Hooks}/{aHook}"), HttpStatusCode.BadRequest, NotFound);
        AssertBody(await ApiCall.GetAsync(b.Api, $"{Hooks}/{aHook}/deliveries"), HttpStatusCode.BadRequest, NotFound);

        // B cannot hang a hook on A's destination either.
        AssertBody(await ApiCall.PostAsync(b.Api, Hooks, CreateBody(destinationId)), HttpStatusCode.BadRequest, InvalidPostBody);

        var aView = await ApiCall.GetAsync(server.Api, $"{Hooks}/{aHook}");
        aView.AssertOk();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, aView.Json.GetProperty("disabled_at").ValueKind);
    }

    [Fact]
    public async Task Limit_IsPerAccount()
    {
        var b = await server.CreateAccountAsync();
        var bDestination = await DestinationIdAsync(b.Api);
        for (var i = 0; i < 10; i++)
        {
            (await ApiCall.PostAsync(server.Api, Hooks, CreateBody(destinationId, $"https://a.example.com/{i}"))).AssertOk();
        }

        var call = await ApiCall.PostAsync(b.Api, Hooks, CreateBody(bDestination));

        call.AssertOk();
        Assert.Equal(b.ClientId, call.Json.GetProperty("client_id").GetInt64());
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("POST", "")]
    [InlineData("GET", "/1")]
    [InlineData("GET", "/../custom-emails")]
    public async Task WithoutToken_Answers401(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), Hooks + path);
        using var response = await server.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
