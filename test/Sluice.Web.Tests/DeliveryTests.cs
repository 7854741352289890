using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Playwright;
using Sluice.Testing;

namespace Sluice.Web.Tests;

/// <summary>
/// The shared HTTPS hook receiver on loopback, and a server that trusts its certificate and may send to loopback (explicit
/// development settings).
/// </summary>
public class LocalHooksFixture : WebAppFixture
{
    public HookReceiver Receiver { get; private set; } = null!;

    protected override IDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["SLUICE_Hooks__AllowPrivateNetworks"] = "true",
        ["SLUICE_Hooks__TrustedCertificatePath"] = Receiver.CertificatePath,
    };

    public override async Task InitializeAsync()
    {
        Receiver = await HookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }
    }
}

/// <summary>What a user sees of deliveries: a load's payload delivered to a local receiver, its attempt, and a replay.</summary>
public sealed class DeliveryTests(LocalHooksFixture app) : IClassFixture<LocalHooksFixture>
{
    [Fact]
    public async Task Deliveries_LoadSentToLocalReceiver_ShownSucceededAndReplayedOnce()
    {
        var receiver = app.Receiver;
        await using var visit = await app.SignInAsync(nameof(Deliveries_LoadSentToLocalReceiver_ShownSucceededAndReplayedOnce));
        var page = visit.Page;

        await visit.GoAsync("/settings/notifications", "notification-settings");
        await page.GetByLabel("Webhook URL").FillAsync(receiver.Url("orders-loaded"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Webhook" }).ClickAsync();
        await visit.ShotAsync("hook-added");
        var hookId = await page.Locator("tr[data-hook-id]").GetAttributeAsync("data-hook-id");

        await visit.GoAsync("/integrations/new?type=webhook.incoming-webhook", "add-integration");
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
        var received = Assert.Single(receiver.Requests("orders-loaded"));
        Assert.Contains("\"delivered_orders\"", received.Body, StringComparison.Ordinal);

        var firstId = await rows.First.GetAttributeAsync("data-delivery-id");
        var details = page.Locator($"tr[data-details-of='{firstId}']");
        await details.GetByText("Payload and attempts").ClickAsync();
        await visit.ShotAsync("payload-and-attempts");
        Assert.Contains("\"integration_name\": \"delivered_orders\"", await details.Locator("pre").TextContentAsync(), StringComparison.Ordinal);

        var replayAnswer = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = $"Replay delivery {firstId}" }).ClickAsync(),
            r => r.Request.Method == "GET" && r.Url.Contains(deliveries, StringComparison.Ordinal));
        Assert.Equal(200, replayAnswer.Status);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync($"a replay of #{firstId}: the same payload with a new webhook-id");
        Assert.EndsWith(deliveries, new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await visit.ShotAsync("replay-queued");
        await WaitUntilAsync(page, deliveries, async () => await rows.CountAsync() == 2
            && await rows.First.Locator("[data-field=delivery-status]").TextContentAsync() == "succeeded");
        await visit.ShotAsync("replayed");
        Assert.Contains($"replay of #{firstId}", await rows.First.TextContentAsync(), StringComparison.Ordinal);
        var both = receiver.Requests("orders-loaded");
        Assert.Equal(2, both.Count);
        Assert.Equal(both[0].Body, both[1].Body);
        Assert.NotEqual(both[0].Header("webhook-id"), both[1].Header("webhook-id"));
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
