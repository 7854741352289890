using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Playwright;

namespace Sluice.Web.Tests;

/// <summary>
/// A server with a retry schedule of its own (<c>Hooks:RetryDelays</c> 1 s and 2 s, so a dead hook fails for good within
/// seconds) and without SMTP, as a newcomer runs it.
/// </summary>
public sealed class FirstUseFixture : WebAppFixture
{
    protected override IDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["SLUICE_Hooks__RetryDelays__0"] = "00:00:01",
        ["SLUICE_Hooks__RetryDelays__1"] = "00:00:02",
    };
}

/// <summary>What a new user meets first (issue 20): what the pages promise, the top bar at phone width, the first event.</summary>
public sealed class FirstUseTests(FirstUseFixture app) : IClassFixture<FirstUseFixture>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task RetryAndEmailTexts_ConfiguredDelaysWithoutSmtp_SayThoseDelaysAndThatEmailIsOff()
    {
        await using var visit = await app.SignInAsync(nameof(RetryAndEmailTexts_ConfiguredDelaysWithoutSmtp_SayThoseDelaysAndThatEmailIsOff));
        var page = visit.Page;

        await visit.GoAsync("/settings/notifications", "notification-settings");
        var hint = await page.Locator("#hook-retries").InnerTextAsync();
        Assert.Contains("retried after 1 s and 2 s (3 attempts in all", hint, StringComparison.Ordinal);
        Assert.Contains("email is off on this server", hint, StringComparison.Ordinal);
        Assert.DoesNotContain("5 times", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Email is off on this server", await page.Locator("#email-off").InnerTextAsync(), StringComparison.Ordinal);

        await page.GetByLabel("Webhook URL").FillAsync("https://hooks.example.com/retry-texts");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Webhook" }).ClickAsync();
        await page.Locator(".flash").WaitForAsync();
        var hookId = await page.Locator("tr[data-hook-id]").Last.GetAttributeAsync("data-hook-id");
        await visit.GoAsync($"/hooks/{hookId}/deliveries", "deliveries");
        var deliveries = await page.Locator("#delivery-retries").InnerTextAsync();
        Assert.Contains("retried after 1 s and 2 s", deliveries, StringComparison.Ordinal);
        Assert.DoesNotContain("10 s, 1 min", deliveries, StringComparison.Ordinal);
        Assert.Contains("email is off on this server", deliveries, StringComparison.Ordinal);
        await DisableHookAsync(page, "https://hooks.example.com/retry-texts");
    }

    [Fact]
    public async Task NewIntegration_RunTheShownCurl_PageSaysWhenTheFirstEventArrivedWithoutAReload()
    {
        await using var visit = await app.SignInAsync(nameof(NewIntegration_RunTheShownCurl_PageSaysWhenTheFirstEventArrivedWithoutAReload));
        var page = visit.Page;
        var url = await CreateIntegrationAsync(visit, "First Orders", "order_id");

        var curl = await page.Locator("#first-event-curl").InputValueAsync();
        Assert.StartsWith($"curl -X POST '{url}' ", curl, StringComparison.Ordinal);
        Assert.Contains("\"order_id\": ", curl, StringComparison.Ordinal);
        var status = page.Locator("#first-event-status");
        Assert.Contains("No event has arrived yet", await status.InnerTextAsync(), StringComparison.Ordinal);
        var navigations = 0;
        page.FrameNavigated += (_, frame) => navigations += frame == page.MainFrame ? 1 : 0;

        // The command exactly as shown, run as the user would paste it into a shell.
        var run = Process.Start(new ProcessStartInfo("bash", ["-c", curl]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var answer = await run.StandardOutput.ReadToEndAsync();
        await run.WaitForExitAsync();
        Assert.Equal("{\"status\":\"OK\",\"message\":\"Batch Accepted!\"}", answer);

        await Assertions.Expect(status).ToContainTextAsync("First event received at ", new() { Timeout = 30_000 });
        await visit.ShotAsync("first-event-received");
        Assert.Matches(@"received at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", await status.InnerTextAsync());
        Assert.Equal(0, navigations);

        // And it loads: the record has its key, so it is a row, not a rejection.
        await WaitForPageAsync(page, "/data?table=first_orders.data", page.Locator("table[aria-label='Rows of first_orders.data'] tbody tr td").First);
        Assert.Contains("first-event-1", await page.Locator("table[aria-label='Rows of first_orders.data'] tbody").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TopBar_AtPhoneWidth_IsOneRowWithAMenuThatOpensWithoutJavaScript()
    {
        await using var visit = await app.SignInAsync(nameof(TopBar_AtPhoneWidth_IsOneRowWithAMenuThatOpensWithoutJavaScript), phone: true);
        var page = visit.Page;
        await visit.GoAsync("/destination", "destination-phone");

        var bar = await page.Locator("header.top").BoundingBoxAsync();
        Assert.True(bar!.Height < 64, $"the top bar is {bar.Height} px high at 390 px: it wraps");
        var data = page.Locator("header.top").GetByRole(AriaRole.Link, new() { Name = "Data", Exact = true });
        Assert.False(await data.IsVisibleAsync());
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390);

        await page.Locator("header.top summary", new() { HasText = "Menu" }).ClickAsync();
        await visit.ShotAsync("menu-open");
        Assert.True(await data.IsVisibleAsync());
        var box = await data.BoundingBoxAsync();
        Assert.True(box!.X + box.Width <= 390, "the open menu's links fit the screen");
        await data.ClickAsync();
        await page.WaitForURLAsync("**/data");
        await visit.ShotAsync("data-phone");
        Assert.Equal("Data", await page.Locator("h1").TextContentAsync());

        // The same page, with scripts off: the menu is a <details>, so it still opens.
        await using var noScript = await app.Browser.NewContextAsync(new()
        {
            JavaScriptEnabled = false,
            ViewportSize = new() { Width = 390, Height = 844 },
            BaseURL = app.Server.BaseAddress.ToString(),
            StorageState = await page.Context.StorageStateAsync(),
        });
        var plain = await noScript.NewPageAsync();
        await plain.GotoAsync("/destination");
        await plain.Locator("header.top summary", new() { HasText = "Menu" }).ClickAsync();
        Assert.True(await plain.GetByRole(AriaRole.Link, new() { Name = "Notification settings" }).IsVisibleAsync());
    }

    [Fact]
    public async Task ErrorPagesAndIcon_SignedInUnknownIdAndAddress_KeepTheNavigationAndTheTabHasAnIcon()
    {
        await using var visit = await app.SignInAsync(nameof(ErrorPagesAndIcon_SignedInUnknownIdAndAddress_KeepTheNavigationAndTheTabHasAnIcon));
        var page = visit.Page;

        Assert.Equal(404, await visit.GoAsync("/integrations/987654", "unknown-integration"));
        Assert.Equal("Not found", await page.Locator("h1").TextContentAsync());
        Assert.True(await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Add integration" }).IsVisibleAsync());
        Assert.True(await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).IsVisibleAsync());

        Assert.Equal(404, await visit.GoAsync("/no-such-page", "unknown-address"));
        Assert.Equal("Not found", await page.Locator("h1").TextContentAsync());
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Destination" }).ClickAsync();
        await page.WaitForURLAsync("**/destination");

        var icon = await page.Locator("link[rel=icon]").GetAttributeAsync("href");
        using var favicon = await Http.GetAsync(new Uri(app.Server.BaseAddress, icon));
        Assert.Equal(HttpStatusCode.OK, favicon.StatusCode);
        Assert.Equal("image/svg+xml", favicon.Content.Headers.ContentType?.MediaType);
        using var ico = await Http.GetAsync(new Uri(app.Server.BaseAddress, "/favicon.ico"));
        Assert.Equal(HttpStatusCode.OK, ico.StatusCode);

        // Signed out, the error page offers no navigation; an API client still gets the bare 404.
        await using var anonymous = await app.OpenAsync(nameof(ErrorPagesAndIcon_SignedInUnknownIdAndAddress_KeepTheNavigationAndTheTabHasAnIcon) + "-signed-out");
        Assert.Equal(404, await anonymous.GoAsync("/no-such-page", "unknown-address-signed-out"));
        Assert.Equal(0, await anonymous.Page.GetByRole(AriaRole.Navigation).CountAsync());
        using var api = await Http.GetAsync(new Uri(app.Server.BaseAddress, "/no-such-page"));
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal(string.Empty, await api.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FailedHook_AtPhoneWidth_MenuCountsTheNotificationAndTheOpenDeliveryFits()
    {
        await using var visit = await app.SignInAsync(nameof(FailedHook_AtPhoneWidth_MenuCountsTheNotificationAndTheOpenDeliveryFits), phone: true);
        var page = visit.Page;
        await DismissAllAsync(visit);
        Assert.Equal(0, await page.Locator("[data-field=notification-count]").CountAsync());

        // A hook that never answers (.invalid never resolves): with 1 s and 2 s it fails for good within seconds.
        const string deadHook = "https://sluice-test.invalid/loaded";
        await visit.GoAsync("/settings/notifications", "settings");
        await page.GetByLabel("Webhook URL").FillAsync(deadHook);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Webhook" }).ClickAsync();
        await page.Locator(".flash").WaitForAsync();
        var hookId = await page.Locator("tr[data-hook-id]").Last.GetAttributeAsync("data-hook-id");
        var url = await CreateIntegrationAsync(visit, "Phone Orders " + Guid.NewGuid().ToString("N")[..6], "id");
        using (var posted = await Http.PostAsync(new Uri(url), new StringContent("""{"id":1,"note":"a fairly long note so the row has some width to it"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        var rows = page.Locator("tr[data-delivery-id]");
        await WaitForPageAsync(page, $"/hooks/{hookId}/deliveries", rows.Locator("[data-field=delivery-status]", new() { HasText = "failed" }).First, TimeSpan.FromSeconds(60));
        await WaitForPageAsync(page, "/notifications", page.Locator("[data-field=notification-count]").First, TimeSpan.FromSeconds(30));
        await visit.ShotAsync("notification-counted");
        var listed = await page.Locator("article[data-notification-id]").CountAsync();
        Assert.True(listed > 0);
        Assert.Equal(listed.ToString(System.Globalization.CultureInfo.InvariantCulture), (await page.Locator("header.top summary .count").TextContentAsync())?.Trim());
        await page.Locator("header.top summary", new() { HasText = "Menu" }).ClickAsync();
        var menuLink = page.Locator("details.menu nav a[href='/notifications']");
        Assert.True(await menuLink.IsVisibleAsync());
        Assert.Equal($"Notifications {listed}", System.Text.RegularExpressions.Regex.Replace(await menuLink.InnerTextAsync(), @"\s+", " ").Trim());

        await page.GotoAsync($"/hooks/{hookId}/deliveries");
        var id = await rows.First.GetAttributeAsync("data-delivery-id");
        await page.Locator($"tr[data-details-of='{id}'] summary").ClickAsync();
        await visit.ShotAsync("delivery-open-phone");
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways at 390 px");
        foreach (var control in new[] { page.GetByRole(AriaRole.Button, new() { Name = $"Replay delivery {id}" }), page.Locator($"tr[data-details-of='{id}'] pre"), page.Locator($"tr[data-details-of='{id}'] .error").First })
        {
            var box = await control.BoundingBoxAsync();
            var wrap = await control.EvaluateAsync<double>("e => { const w = e.closest('.table-wrap').getBoundingClientRect(); return w.right; }");
            Assert.True(box!.X >= 0 && box.X + box.Width <= wrap + 0.5, $"a control of the open delivery is cut off: {box.X} + {box.Width} > {wrap}");
        }

        await DisableHookAsync(page, deadHook);
        await DismissAllAsync(visit);
        Assert.Equal(0, await page.Locator("[data-field=notification-count]").CountAsync());
    }

    [Fact]
    public async Task DataPreview_AtPhoneWidth_ShowsTheUsersFieldsBeforeSluicesColumns()
    {
        await using var visit = await app.SignInAsync(nameof(DataPreview_AtPhoneWidth_ShowsTheUsersFieldsBeforeSluicesColumns), phone: true);
        var page = visit.Page;
        var url = await CreateIntegrationAsync(visit, "Column Order", "id");
        using (var posted = await Http.PostAsync(new Uri(url), new StringContent("""{"id":7,"status":"paid","total":42.5}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        var table = page.Locator("table[aria-label='Rows of column_order.data']");
        await WaitForPageAsync(page, "/data?table=column_order.data", table.Locator("tbody td").First);
        await visit.ShotAsync("preview-phone");
        var headers = (await table.Locator("thead th").AllInnerTextsAsync()).Select(h => h.Split('\n')[0].Trim()).ToList();
        Assert.Equal(["id", "status", "total"], headers.Take(3));
        Assert.All(headers.Skip(3), h => Assert.StartsWith("_sdc_", h, StringComparison.Ordinal));
        Assert.Equal(7, headers.Count);
        Assert.Equal("7", (await table.Locator("tbody td").First.TextContentAsync())?.Trim());
    }

    /// <summary>Creates an Incoming Webhooks integration on the page and returns its once-only URL (the page stays open).</summary>
    private static async Task<string> CreateIntegrationAsync(Visit visit, string name, string primaryKey)
    {
        var page = visit.Page;
        await visit.GoAsync("/integrations/new?type=webhook.incoming-webhook", "add-integration");
        await page.GetByLabel("Integration name").FillAsync(name);
        await page.GetByLabel("Primary key (optional)").FillAsync(primaryKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save integration" }).ClickAsync();
        await page.Locator("#webhook-url").WaitForAsync();
        await visit.ShotAsync("integration-ready");
        return await page.Locator("#webhook-url").InputValueAsync();
    }

    private static async Task DisableHookAsync(IPage page, string url)
    {
        await page.GotoAsync("/settings/notifications");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Disable this webhook: {url}" }).ClickAsync();
        await page.Locator(".flash").WaitForAsync();
    }

    private static async Task DismissAllAsync(Visit visit)
    {
        var page = visit.Page;
        await page.GotoAsync("/notifications");
        while (await page.GetByRole(AriaRole.Button, new() { Name = "Dismiss:" }).CountAsync() > 0)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Dismiss:" }).First.ClickAsync();
            await page.Locator(".flash").WaitForAsync();
        }
    }

    /// <summary>Reloads <paramref name="path"/> until <paramref name="shown"/> is on it (loads and deliveries run in the server process).</summary>
    private static async Task WaitForPageAsync(IPage page, string path, ILocator shown, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(30)))
        {
            await page.GotoAsync(path);
            if (await shown.CountAsync() > 0)
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{path} did not show {shown} within {(timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds} s: {await page.Locator("main").InnerTextAsync()}");
    }
}
