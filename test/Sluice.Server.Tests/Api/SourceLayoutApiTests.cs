using System.Net;
using System.Text.Json;
using Sluice.Testing;

namespace Sluice.Server.Tests.Api;

/// <summary>A source's table layout (table_from, capture_headers, max_depth) and the reload request, through the API.</summary>
public sealed class SourceLayoutApiTests(SharedServer shared) : IClassFixture<SharedServer>, IAsyncLifetime
{
    private const string GitHubLayout =
        """{"display_name":"GitHub Org","type":"webhook.incoming-webhook","properties":{"webhookz_primary_key":"_sdc_header_x_github_delivery","table_from":"header:X-GitHub-Event","capture_headers":["X-GitHub-Delivery","X-GitHub-Hook-ID"],"max_depth":4}}""";

    private readonly SluiceServer server = shared.Instance;
    private TestAccount account = null!;

    public async Task InitializeAsync() => account = await server.CreateAccountAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Create_WithLayout_ReadsBackInProperties()
    {
        var created = await ApiCall.PostAsync(account.Api, "v4/sources", GitHubLayout);

        created.AssertOk();
        var read = await ApiCall.GetAsync(account.Api, $"v4/sources/{created.Json.GetProperty("id").GetInt64()}");
        var properties = read.Json.GetProperty("properties");
        Assert.Equal("_sdc_header_x_github_delivery", properties.GetProperty("webhookz_primary_key").GetString());
        Assert.Equal("header:X-GitHub-Event", properties.GetProperty("table_from").GetString());
        Assert.Equal(["X-GitHub-Delivery", "X-GitHub-Hook-ID"], properties.GetProperty("capture_headers").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal(4, properties.GetProperty("max_depth").GetInt32());
        Assert.Equal(JsonValueKind.Null, read.Json.GetProperty("reload_requested_at").ValueKind);
    }

    [Fact]
    public async Task Put_ChangesAndClearsLayout_LeavingWhatItDoesNotName()
    {
        var created = await ApiCall.PostAsync(account.Api, "v4/sources", GitHubLayout);
        var id = created.Json.GetProperty("id").GetInt64();

        var changed = await ApiCall.PutAsync(account.Api, $"v4/sources/{id}", """{"properties":{"table_from":"field:action","max_depth":null}}""");

        changed.AssertOk();
        var properties = changed.Json.GetProperty("properties");
        Assert.Equal("field:action", properties.GetProperty("table_from").GetString());
        Assert.False(properties.TryGetProperty("max_depth", out _));
        Assert.Equal(2, properties.GetProperty("capture_headers").GetArrayLength());

        var cleared = await ApiCall.PutAsync(account.Api, $"v4/sources/{id}", """{"properties":{"table_from":null}}""");
        Assert.False(cleared.Json.GetProperty("properties").TryGetProperty("table_from", out _));
    }

    [Theory]
    [InlineData("""{"table_from":"column:type"}""", "table_from")]
    [InlineData("""{"capture_headers":["X GitHub Event"]}""", "capture_headers")]
    [InlineData("""{"capture_headers":"X-A, X-A"}""", "twice")]
    [InlineData("""{"max_depth":-1}""", "max_depth is -1")]
    [InlineData("""{"max_depth":"deep"}""", "properties.max_depth")]
    [InlineData("""{"capture_headers":[1]}""", "properties.capture_headers[0]")]
    [InlineData("""{"webhookz_primary_key":"_sdc_header_x_request_id"}""", "no header in capture_headers")]
    public async Task Create_BadLayout_400NamesTheProblem(string properties, string fragment)
    {
        var call = await ApiCall.PostAsync(account.Api, "v4/sources", $$$"""{"display_name":"Bad Layout","type":"webhook.incoming-webhook","properties":{{{properties}}}}""");

        call.AssertError(HttpStatusCode.BadRequest, "bad_request", fragment);
        var list = await ApiCall.GetAsync(account.Api, "v4/sources");
        Assert.DoesNotContain(list.Json.EnumerateArray(), s => s.GetProperty("display_name").GetString() == "Bad Layout");
    }

    [Fact]
    public async Task Create_TwentyOneCapturedHeaders_400()
    {
        var headers = string.Join(",", Enumerable.Range(1, 21).Select(i => $"\"X-Header-{i}\""));
        var call = await ApiCall.PostAsync(account.Api, "v4/sources", $$$"""{"display_name":"Many Headers","type":"webhook.incoming-webhook","properties":{"capture_headers":[{{{headers}}}]}}""");

        call.AssertError(HttpStatusCode.BadRequest, "bad_request", "at most 20");
    }

    [Fact]
    public async Task Put_BadLayout_400AndTheOldLayoutStays()
    {
        var created = await ApiCall.PostAsync(account.Api, "v4/sources", GitHubLayout);
        var id = created.Json.GetProperty("id").GetInt64();

        var call = await ApiCall.PutAsync(account.Api, $"v4/sources/{id}", """{"properties":{"capture_headers":null}}""");

        // The primary key is the delivery header's column: the header cannot go.
        call.AssertError(HttpStatusCode.BadRequest, "bad_request", "no header in capture_headers");
        var read = await ApiCall.GetAsync(account.Api, $"v4/sources/{id}");
        Assert.Equal(2, read.Json.GetProperty("properties").GetProperty("capture_headers").GetArrayLength());
    }

    [Fact]
    public async Task Reload_202WithTheRequest_AndAnotherAccountsSourceIsNotFound()
    {
        var created = await ApiCall.PostAsync(account.Api, "v4/sources", """{"display_name":"Reload Me","type":"webhook.incoming-webhook"}""");
        var id = created.Json.GetProperty("id").GetInt64();
        var other = await server.CreateAccountAsync();

        var foreign = await ApiCall.PostAsync(other.Api, $"v4/sources/{id}/reload", string.Empty);
        foreign.AssertError(HttpStatusCode.NotFound, "not_found", id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var call = await ApiCall.PostAsync(account.Api, $"v4/sources/{id}/reload", string.Empty);
        Assert.Equal(HttpStatusCode.Accepted, call.Status);
        Assert.EndsWith("Z", call.Json.GetProperty("reload_requested_at").GetString(), StringComparison.Ordinal);
        var stats = await ApiCall.GetAsync(account.Api, $"v4/sources/{id}/stats");
        Assert.True(stats.Json.TryGetProperty("last_reload_at", out _));
    }
}
