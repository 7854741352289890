using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sluice.Cli.Tests.Cli;

public sealed partial class SourceCommandsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Create_WithPrimaryKey_PrintsAWebhookUrlThatIngests()
    {
        var result = await fixture.RunAsync("sources", "create", "Shop Events " + Guid.NewGuid().ToString("N")[..6], "--primary-key", "id");

        result.AssertSuccess();
        Assert.Contains("primary key id", result.Out, StringComparison.Ordinal);
        var url = WebhookUrl(result.Out);
        Assert.StartsWith($"{fixture.Url}/v1/clients/1/token/", url, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await PostEventAsync(url));
    }

    [Fact]
    public async Task Create_Json_IsTheApisSourceWithItsWebhookUrl()
    {
        var result = await fixture.RunAsync("sources", "create", "Orders (EU)", "--schema", "orders_eu_json", "--json");

        result.AssertSuccess();
        var source = result.Json();
        Assert.Equal("Orders (EU)", source.GetProperty("display_name").GetString());
        Assert.Equal("orders_eu_json", source.GetProperty("name").GetString());
        Assert.Equal("webhook.incoming-webhook", source.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Object, source.GetProperty("properties").ValueKind);
        Assert.Matches(WebhookUrlPattern(), source.GetProperty("webhook_url").GetString()!);
    }

    [Fact]
    public async Task Create_DuplicateSchema_ExitsOneWithTheApisMessage()
    {
        await fixture.RunAsync("sources", "create", "Dup", "--schema", "dup_schema");

        var result = await fixture.RunAsync("sources", "create", "Dup again", "--schema", "dup_schema");

        var line = result.AssertOneLineError(1);
        Assert.Contains("dup_schema", line, StringComparison.Ordinal);
        Assert.EndsWith("(HTTP 400)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SchemaTakenOrNameUnusable_ErrorNamesTheCommandLinesOptionsNotTheApiFields()
    {
        await fixture.RunAsync("sources", "create", "Taken Twice");

        var taken = (await fixture.RunAsync("sources", "create", "Taken Twice")).AssertOneLineError(1);
        var unusable = (await fixture.RunAsync("sources", "create", "...")).AssertOneLineError(1);
        var key = (await fixture.RunAsync("sources", "create", "Keyed " + Guid.NewGuid().ToString("N")[..6], "--primary-key", "a.b")).AssertOneLineError(1);

        Assert.Contains("choose another with --schema", taken, StringComparison.Ordinal);
        Assert.Contains("derived from NAME '...'", unusable, StringComparison.Ordinal);
        Assert.Contains("with --schema", unusable, StringComparison.Ordinal);
        Assert.StartsWith("error: --primary-key 'a.b'", key, StringComparison.Ordinal);
        Assert.All(new[] { taken, unusable, key }, line => Assert.DoesNotContain("\"name\"", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListPauseResumeDelete_ChangeWhatTheWebhookUrlAnswers()
    {
        var source = await fixture.Server.CreateSourceAsync(fixture.Server.Api, "Lifecycle " + Guid.NewGuid().ToString("N")[..6]);
        var id = source.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var list = await fixture.RunAsync("sources", "list");
        list.AssertSuccess();
        Assert.Contains(source.Name, list.Out, StringComparison.Ordinal);

        var paused = await fixture.RunAsync("sources", "pause", id);
        paused.AssertSuccess();
        Assert.StartsWith($"Paused source {id} ", paused.Out, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await PostEventAsync(source.WebhookUrl));
        var listed = (await fixture.RunAsync("sources", "list", "--json")).Json().EnumerateArray().Single(s => s.GetProperty("id").GetInt64() == source.Id);
        Assert.Equal(JsonValueKind.String, listed.GetProperty("paused_at").ValueKind);

        (await fixture.RunAsync("sources", "resume", id)).AssertSuccess();
        Assert.Equal(HttpStatusCode.OK, await PostEventAsync(source.WebhookUrl));

        var deleted = await fixture.RunAsync("sources", "delete", id, "--json");
        deleted.AssertSuccess();
        Assert.Equal(JsonValueKind.String, deleted.Json().GetProperty("deleted_at").ValueKind);
        Assert.Equal(HttpStatusCode.Unauthorized, await PostEventAsync(source.WebhookUrl));
        var after = (await fixture.RunAsync("sources", "list", "--json")).Json();
        Assert.DoesNotContain(after.EnumerateArray(), s => s.GetProperty("id").GetInt64() == source.Id);
    }

    [Fact]
    public async Task RenameAndShow_DisplayNameChangesSchemaStays()
    {
        var source = await fixture.Server.CreateSourceAsync(fixture.Server.Api, "Before Rename", primaryKey: "order_id");
        var id = source.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        (await fixture.RunAsync("sources", "rename", id, "After Rename")).AssertSuccess();
        var shown = await fixture.RunAsync("sources", "show", id);

        shown.AssertSuccess();
        Assert.Matches(@"display_name\s+After Rename", shown.Out);
        Assert.Matches($@"schema\s+{source.Name}\b", shown.Out);
        Assert.Matches(@"primary_key\s+order_id", shown.Out);
    }

    [Fact]
    public async Task Show_UnknownId_ExitsOneWithTheApisNotFoundMessage()
    {
        var result = await fixture.RunAsync("sources", "show", "987654");

        var line = result.AssertOneLineError(1);
        Assert.EndsWith("(HTTP 404)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Urls_CreateRevoke_RotateWithoutDowntime()
    {
        var source = await fixture.Server.CreateSourceAsync(fixture.Server.Api, "Rotation " + Guid.NewGuid().ToString("N")[..6]);
        var id = source.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var created = await fixture.RunAsync("sources", "urls", "create", id);
        created.AssertSuccess();
        var second = WebhookUrl(created.Out);
        Assert.NotEqual(source.WebhookUrl, second);

        var third = await fixture.RunAsync("sources", "urls", "create", id);
        Assert.Contains("at most 2 webhook URLs", third.AssertOneLineError(1), StringComparison.Ordinal);

        var listed = (await fixture.RunAsync("sources", "urls", "list", id, "--json")).Json().EnumerateArray().ToList();
        Assert.Equal(2, listed.Count);
        Assert.DoesNotContain(listed, t => t.GetRawText().Contains(second[^64..], StringComparison.Ordinal));
        var firstId = listed.Min(t => t.GetProperty("id").GetInt64()).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var revoked = await fixture.RunAsync("sources", "urls", "revoke", id, firstId);
        revoked.AssertSuccess();
        Assert.Contains("answers 404 from now on", revoked.Out, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, await PostEventAsync(source.WebhookUrl));
        Assert.Equal(HttpStatusCode.OK, await PostEventAsync(second));
        Assert.Single((await fixture.RunAsync("sources", "urls", "list", id, "--json")).Json().EnumerateArray());
    }

    [Fact]
    public async Task DestinationsList_Default_IsTheEmbeddedDuckDb()
    {
        var table = await fixture.RunAsync("destinations", "list");
        var json = await fixture.RunAsync("destinations", "list", "--json");

        table.AssertSuccess();
        Assert.Contains("duckdb", table.Out, StringComparison.Ordinal);
        var destination = Assert.Single(json.Json().EnumerateArray());
        Assert.Equal("duckdb", destination.GetProperty("type").GetString());
    }

    private async Task<HttpStatusCode> PostEventAsync(string url)
    {
        using var response = await fixture.Server.Anonymous.PostAsJsonAsync(url, new { id = 1, status = "paid" });
        return response.StatusCode;
    }

    private static string WebhookUrl(string output)
    {
        var match = WebhookUrlPattern().Match(output);
        Assert.True(match.Success, $"no webhook URL in: {output}");
        return match.Value;
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/v1/clients/\d+/token/[0-9a-f]{64}", RegexOptions.Multiline)]
    private static partial Regex WebhookUrlPattern();
}
