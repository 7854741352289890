using System.Net;
using Sluice.Server.Tests.Api;
using Sluice.Testing;

namespace Sluice.Server.Tests.Hooks;

/// <summary>Hook URL rules under <c>Hooks:AllowHttp</c>, and hooks going away with their destination.</summary>
public sealed class ApiHooksSettingsTests
{
    private const string Hooks = "notifications/public/v1/api/hooks";

    [Fact]
    public async Task Create_HttpUrlWithAllowHttp_IsAccepted_ButNotOtherSchemes()
    {
        await using var server = await SluiceServer.StartAsync(settings: new Dictionary<string, string?> { ["Hooks:AllowHttp"] = "true" });
        var destinationId = await ApiHooksTests.DestinationIdAsync(server.Api);

        var http = await ApiCall.PostAsync(server.Api, Hooks, ApiHooksTests.CreateBody(destinationId, "http://127.0.0.1:8080/hook"));
        var ftp = await ApiCall.PostAsync(server.Api, Hooks, ApiHooksTests.CreateBody(destinationId, "ftp://127.0.0.1/hook"));

        http.AssertOk();
        Assert.Equal("http://127.0.0.1:8080/hook", http.Json.GetProperty("config").GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, ftp.Status);
        Assert.Equal("Invalid URI", ftp.Json.GetProperty("data").GetProperty("message").GetString());
        Assert.StartsWith("A hook URL must be an absolute http:// or https:// URL with a host", ftp.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteDestination_DeletesItsHooks()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var database = await postgres.CreateDatabaseAsync();
        await using var server = await SluiceServer.StartAsync();
        var body = $$"""
            {"type":"postgres","connection":{"host":"{{postgres.Host}}","port":{{postgres.Port}},"username":"{{postgres.Username}}",
             "password":"{{postgres.Password}}","database":"{{database}}","sslmode":"disable"} }
            """;
        var created = await ApiCall.PostAsync(server.Api, "v4/destinations", body);
        created.AssertOk();
        var postgresId = created.Json.GetProperty("id").GetInt64();
        var hookId = (await ApiCall.PostAsync(server.Api, Hooks, ApiHooksTests.CreateBody(postgresId))).Json.GetProperty("id").GetInt64();

        (await ApiCall.DeleteAsync(server.Api, $"v4/destinations/{postgresId}")).AssertOk();

        Assert.Empty((await ApiCall.GetAsync(server.Api, Hooks)).Json.GetProperty("post_load").EnumerateArray());
        Assert.Equal("""{"error":"NotFound"}""", (await ApiCall.GetAsync(server.Api, $"{Hooks}/{hookId}")).Text);

        // The account is back on its embedded destination, which takes new hooks.
        var embedded = await ApiHooksTests.DestinationIdAsync(server.Api);
        (await ApiCall.PostAsync(server.Api, Hooks, ApiHooksTests.CreateBody(embedded))).AssertOk();
    }
}
