using System.Globalization;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Cli;

/// <summary><c>sluice hooks ...</c> against a real server, as a user on its machine runs them.</summary>
public sealed class HookCommandsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Hooks_AddListDisableEnableDelete_Roundtrip()
    {
        var added = await fixture.RunAsync("hooks", "add", "https://hooks.example.com/roundtrip");
        added.AssertSuccess();
        Assert.Matches(@"(?m)^whsec_[A-Za-z0-9+/=]{40,}\r?$", added.Out);
        var id = System.Text.RegularExpressions.Regex.Match(added.Out, @"Added hook (\d+)").Groups[1].Value;

        var list = await fixture.RunAsync("hooks", "list");
        list.AssertSuccess();
        Assert.Contains("https://hooks.example.com/roundtrip", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", list.Out, StringComparison.Ordinal);

        var disabled = await fixture.RunAsync("hooks", "disable", id);
        disabled.AssertSuccess();
        Assert.StartsWith($"Disabled hook {id}: https://hooks.example.com/roundtrip", disabled.Out, StringComparison.Ordinal);
        var listed = (await fixture.RunAsync("hooks", "list", "--json")).Json().GetProperty("post_load").EnumerateArray()
            .Single(h => h.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture) == id);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, listed.GetProperty("disabled_at").ValueKind);

        (await fixture.RunAsync("hooks", "enable", id)).AssertSuccess();
        var deleted = await fixture.RunAsync("hooks", "delete", id);
        deleted.AssertSuccess();
        Assert.StartsWith($"Deleted hook {id}.", deleted.Out, StringComparison.Ordinal);

        var again = await fixture.RunAsync("hooks", "delete", id);
        Assert.Equal($"error: hook {id} was not found in your account (see 'sluice hooks list')", again.AssertOneLineError(1));
    }

    [Fact]
    public async Task HooksAdd_NotHttps_OneLineInvalidUri()
    {
        var result = await fixture.RunAsync("hooks", "add", "http://hooks.example.com/plain");

        Assert.Equal("error: 'http://hooks.example.com/plain' is not an absolute https:// URL (HTTP 400: Invalid URI)", result.AssertOneLineError(1));
    }

    [Fact]
    public async Task HooksAdd_UnknownDestination_SaysSo()
    {
        var result = await fixture.RunAsync("hooks", "add", "https://hooks.example.com/x", "--destination", "987654");

        Assert.StartsWith("error: destination 987654 is not one of yours", result.AssertOneLineError(1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HooksDeliveriesAndReplay_AfterALoad_ShowAndQueueDeliveries()
    {
        var hook = (await fixture.RunAsync("hooks", "add", "https://hooks.example.com/log", "--json")).Json().GetProperty("id").GetInt64()
            .ToString(CultureInfo.InvariantCulture);
        var source = await fixture.Server.CreateSourceAsync(fixture.Server.Api, "Cli Hook Events");
        using (var content = new StringContent("""{"n":1}""", System.Text.Encoding.UTF8, "application/json"))
        {
            using var response = await fixture.Server.Anonymous.PostAsync(new Uri(source.WebhookUrl), content);
            Assert.True(response.IsSuccessStatusCode);
        }

        var log = default(System.Text.Json.JsonElement);
        await Eventually.WaitAsync(
            async () =>
            {
                log = (await fixture.RunAsync("hooks", "deliveries", hook, "--json")).Json();
                return log.GetProperty("total").GetInt32() != 0;
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(200));

        var delivery = log.GetProperty("deliveries")[0];
        Assert.Equal("cli_hook_events", delivery.GetProperty("payload").GetProperty("integration_name").GetString());
        var deliveryId = delivery.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);

        var replay = await fixture.RunAsync("hooks", "replay", hook, deliveryId);
        replay.AssertSuccess();
        Assert.Contains($"a replay of delivery {deliveryId}", replay.Out, StringComparison.Ordinal);

        var text = await fixture.RunAsync("hooks", "deliveries", hook);
        text.AssertSuccess();
        Assert.Contains("(2 deliveries, 20 a page)", text.Out, StringComparison.Ordinal);
        Assert.Contains("pending", text.Out, StringComparison.Ordinal);

        var missing = await fixture.RunAsync("hooks", "replay", hook, "999999");
        Assert.Equal($"error: delivery 999999 of hook {hook} was not found in your account (see 'sluice hooks list')", missing.AssertOneLineError(1));
    }

    [Fact]
    public async Task Emails_AddListDisableDelete_AndErrorsAreOneLine()
    {
        var added = await fixture.RunAsync("emails", "add", "ops@example.com", "--json");
        added.AssertSuccess();
        var id = added.Json().GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);

        var list = await fixture.RunAsync("emails", "list");
        Assert.Contains("ops@example.com", list.Out, StringComparison.Ordinal);
        var disabled = await fixture.RunAsync("emails", "disable", id);
        Assert.StartsWith($"Disabled email recipient {id}: ops@example.com.", disabled.Out, StringComparison.Ordinal);
        (await fixture.RunAsync("emails", "delete", id)).AssertSuccess();

        Assert.Equal(
            "error: email recipient 999999 was not found in your account (see 'sluice emails list')",
            (await fixture.RunAsync("emails", "enable", "999999")).AssertOneLineError(1));
        Assert.StartsWith("error: 'nope' is not a valid email address", (await fixture.RunAsync("emails", "add", "nope")).AssertOneLineError(1), StringComparison.Ordinal);
    }
}
