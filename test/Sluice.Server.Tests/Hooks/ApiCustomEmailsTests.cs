using System.Net;
using System.Text.Json;
using Sluice.Server.Tests.Api;
using Sluice.Testing;

namespace Sluice.Server.Tests.Hooks;

/// <summary><c>/notifications/public/v1/api/custom-emails</c>: the account's extra notification recipients.</summary>
public sealed class ApiCustomEmailsTests : IAsyncLifetime
{
    private const string Emails = "notifications/public/v1/api/custom-emails";
    private const string NotFound = """{"status":"NOT FOUND"}""";

    private SluiceServer server = null!;

    public async Task InitializeAsync() => server = await SluiceServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    private static void AssertBody(ApiCall call, HttpStatusCode status, string body)
    {
        Assert.True(call.Status == status, $"Expected {(int)status}, got {(int)call.Status}: {call.Text}");
        Assert.Equal(body, call.Text);
    }

    [Fact]
    public async Task Create_ValidAddress_ReturnsTheRecipientObject()
    {
        var call = await ApiCall.PostAsync(server.Api, Emails, """{"email_address":"ops@example.com"}""");

        call.AssertOk();
        Assert.Equal(["id", "client_id", "email_address", "created_at", "disabled_at"], call.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(server.ClientId, call.Json.GetProperty("client_id").GetInt64());
        Assert.Equal("ops@example.com", call.Json.GetProperty("email_address").GetString());
        Assert.Equal(JsonValueKind.Null, call.Json.GetProperty("disabled_at").ValueKind);
        Assert.EndsWith("Z", call.Json.GetProperty("created_at").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"email_address":42}""")]
    [InlineData("""{"email_address":"a@example.com","name":"A"}""")]
    [InlineData("not json")]
    public async Task Create_WrongBody_AnswersInvalidPostBody(string body)
    {
        var call = await ApiCall.PostAsync(server.Api, Emails, body);

        AssertBody(call, HttpStatusCode.BadRequest, """{"data":{"message":"Invalid POST body"},"error":"InvalidBody"}""");
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("a@b")]
    [InlineData("A <a@example.com>")]
    [InlineData("a@example.com, b@example.com")]
    [InlineData("")]
    public async Task Create_InvalidAddress_SaysWhichAddressIsInvalid(string address)
    {
        var call = await ApiCall.PostAsync(server.Api, Emails, JsonSerializer.Serialize(new Dictionary<string, string> { ["email_address"] = address }));

        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Contains("is not a valid email address", call.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_EleventhAddressOrADuplicate_IsRefused()
    {
        for (var i = 0; i < 10; i++)
        {
            (await ApiCall.PostAsync(server.Api, Emails, $$"""{"email_address":"r{{i}}@example.com"}""")).AssertOk();
        }

        var duplicate = await ApiCall.PostAsync(server.Api, Emails, """{"email_address":"R0@example.com"}""");
        var eleventh = await ApiCall.PostAsync(server.Api, Emails, """{"email_address":"r10@example.com"}""");

        Assert.Equal(HttpStatusCode.BadRequest, duplicate.Status);
        Assert.Contains("already", duplicate.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        AssertBody(eleventh, HttpStatusCode.BadRequest,
            """{"error":{"message":"You have exceeded the limit of 10 custom email addresses; delete one before adding another."}}""");
        Assert.Equal(10, (await ApiCall.GetAsync(server.Api, Emails)).Json.GetArrayLength());
    }

    [Fact]
    public async Task PutGetDelete_Lifecycle()
    {
        var id = (await ApiCall.PostAsync(server.Api, Emails, """{"email_address":"ops@example.com"}""")).Json.GetProperty("id").GetInt64();

        var disabled = await ApiCall.PutAsync(server.Api, $"{Emails}/{id}", """{"enable":false}""");
        disabled.AssertOk();
        Assert.NotEqual(JsonValueKind.Null, disabled.Json.GetProperty("disabled_at").ValueKind);
        var fetched = await ApiCall.GetAsync(server.Api, $"{Emails}/{id}");
        Assert.Equal(disabled.Json.GetProperty("disabled_at").GetString(), fetched.Json.GetProperty("disabled_at").GetString());

        var enabled = await ApiCall.PutAsync(server.Api, $"{Emails}/{id}", """{"enable":true}""");
        Assert.Equal(JsonValueKind.Null, enabled.Json.GetProperty("disabled_at").ValueKind);

        var deleted = await ApiCall.DeleteAsync(server.Api, $"{Emails}/{id}");
        deleted.AssertOk();
        Assert.Equal(id, deleted.Json.GetProperty("id").GetInt64());
        Assert.Equal(0, (await ApiCall.GetAsync(server.Api, Emails)).Json.GetArrayLength());
    }

    [Fact]
    public async Task Put_BodyOtherThanEnable_AnswersPutBodyError()
    {
        var id = (await ApiCall.PostAsync(server.Api, Emails, """{"email_address":"ops@example.com"}""")).Json.GetProperty("id").GetInt64();

        var call = await ApiCall.PutAsync(server.Api, $"{Emails}/{id}", """{"enable":"yes"}""");

        AssertBody(call, HttpStatusCode.BadRequest, """{"data":{"message":"PUT body must only contain boolean 'enable' key"},"error":"InvalidBody"}""");
    }

    [Theory]
    [InlineData("PUT", """{"enable":false}""")]
    [InlineData("GET", null)]
    [InlineData("DELETE", null)]
    public async Task UnknownOrOtherAccountsId_Answers404NotFoundStatus(string method, string? body)
    {
        var b = await server.CreateAccountAsync();
        var aId = (await ApiCall.PostAsync(server.Api, Emails, """{"email_address":"ops@example.com"}""")).Json.GetProperty("id").GetInt64();

        AssertBody(await ApiCall.SendAsync(server.Api, new HttpMethod(method), $"{Emails}/999999", body), HttpStatusCode.NotFound, NotFound);
        AssertBody(await ApiCall.SendAsync(b.Api, new HttpMethod(method), $"{Emails}/{aId}", body), HttpStatusCode.NotFound, NotFound);
        Assert.Equal(0, (await ApiCall.GetAsync(b.Api, Emails)).Json.GetArrayLength());
        (await ApiCall.GetAsync(server.Api, $"{Emails}/{aId}")).AssertOk();
    }
}
