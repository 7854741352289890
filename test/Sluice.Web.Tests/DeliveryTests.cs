using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Playwright;

namespace Sluice.Web.Tests;

/// <summary>A server that may send hooks to plain HTTP on loopback (explicit development settings), for a local receiver.</summary>
public sealed class LocalHooksFixture : WebAppFixture
{
    protected override IDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["SLUICE_Hooks__AllowHttp"] = "true",
        ["SLUICE_Hooks__AllowPrivateNetworks"] = "true",
    };
}

/// <summary>What a user sees of deliveries: a load's payload delivered to a local receiver, its attempt, and a replay.</summary>
public sealed class DeliveryTests(LocalHooksFixture app) : IClassFixture<LocalHooksFixture>
{

    [Fact]
    public async Task Deliveries_LoadSentToLocalReceiver_ShownSucceededAndReplayedOnce()
    {
        await using var receiver = await HookReceiver.StartAsync();
        await using var visit = await app.SignInAsync(nameof(Deliveries_LoadSentToLocalReceiver_ShownSucceededAndReplayedOnce));
        var page = visit.Page;

        await visit.GoAsync("/settings/notifications", "notification-settings");
        await page.GetByLabel("Webhook URL").FillAsync(receiver.Url.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Webhook" }).ClickAsync();
        await visit.ShotAsync("hook-added");
        var hookId = await page.Locator("tr[data-hook-id]").GetAttributeAsync("data-hook-id");

        await visit.GoAsync("/integrations/new", "add-integration");
        await page.GetByLabel("Integration name").FillAsync("Delivered Orders");
        await page.GetByLabel("Primary key (optional)").FillAsync("id");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save integration" }).ClickAsync();
        var url = await page.Locator("#webhook-url").InputValueAsync();
        using (var http = new HttpClient())
        using (var posted = await http.PostAsync(new Uri(url), new StringContent("""[{"id":1,"items":[{"sku":"A"}]},{"id":2}]""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        var deliveries = $"/hooks/{hookId}/deliveries";
        var rows = page.Locator("tr[data-delivery-id]");
        await WaitUntilAsync(page, deliveries, async () => await rows.CountAsync() == 1
            && await rows.First.Locator("[data-field=delivery-status]").TextContentAsync() == "succeeded");
        await visit.ShotAsync("delivered");
        Assert.Equal("1", await rows.First.Locator("[data-field=attempts]").TextContentAsync());
        Assert.Equal("200", await rows.First.Locator("[data-field=response-code]").TextContentAsync());
        Assert.Single(receiver.Bodies);
        Assert.Contains("\"delivered_orders\"", receiver.Bodies.First(), StringComparison.Ordinal);

        await rows.First.GetByText("Payload and attempts").ClickAsync();
        await visit.ShotAsync("payload-and-attempts");
        Assert.Contains("delivered_orders", await rows.First.Locator("pre").TextContentAsync(), StringComparison.Ordinal);

        var firstId = await rows.First.GetAttributeAsync("data-delivery-id");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Replay delivery {firstId}" }).ClickAsync();
        await visit.ShotAsync("replay-queued");
        await WaitUntilAsync(page, deliveries, async () => await rows.CountAsync() == 2
            && await rows.First.Locator("[data-field=delivery-status]").TextContentAsync() == "succeeded");
        await visit.ShotAsync("replayed");
        Assert.Contains($"replay of #{firstId}", await rows.First.TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(2, receiver.Bodies.Count);
        Assert.Equal(receiver.Bodies.First(), receiver.Bodies.Last());
    }

    /// <summary>Reloads <paramref name="path"/> until <paramref name="condition"/> holds (the dispatcher runs in another process).</summary>
    private static async Task WaitUntilAsync(IPage page, string path, Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await page.GotoAsync(path);
            if (await condition())
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"{path} did not show the expected deliveries within 30 s.");
    }
}
