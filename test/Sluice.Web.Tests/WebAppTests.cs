using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;

namespace Sluice.Web.Tests;

/// <summary>The web app in a real browser against <c>sluice serve</c>: sign in and out, integrations, URLs, hooks, tenancy.</summary>
public sealed class WebAppTests(WebAppFixture app) : IClassFixture<WebAppFixture>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task SignIn_WrongThenRightPassword_ErrorThenDashboardAndSignOutEndsTheSession()
    {
        await using var visit = await app.OpenAsync(nameof(SignIn_WrongThenRightPassword_ErrorThenDashboardAndSignOutEndsTheSession));
        var page = visit.Page;

        await visit.GoAsync("/", "redirected-to-sign-in");
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Email").FillAsync("admin@localhost");
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await visit.ShotAsync("wrong-password");
        Assert.Contains("The email or the password is not right", await page.Locator("#signin-error").TextContentAsync(), StringComparison.Ordinal);

        await page.GetByLabel("Password").FillAsync(app.Server.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(new Uri(app.Server.BaseAddress, "/").ToString());
        await visit.ShotAsync("dashboard");
        Assert.Equal("Dashboard", await page.Locator("h1").TextContentAsync());
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "sluice_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/signin");
        await visit.ShotAsync("signed-out");
        await visit.GoAsync("/settings/notifications", "after-sign-out");
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_TenWrongPasswords_EvenTheRightOneWaitsAndTheMessageSaysHowLong()
    {
        var (_, email, password, _) = await app.CreateOtherAccountUserAsync("guessed@example.com");
        await using var visit = await app.OpenAsync(nameof(SignIn_TenWrongPasswords_EvenTheRightOneWaitsAndTheMessageSaysHowLong));
        var page = visit.Page;
        await visit.GoAsync("/signin", "sign-in");

        for (var attempt = 0; attempt < 10; attempt++)
        {
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password").FillAsync($"guess-{attempt}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            Assert.Contains("The email or the password is not right", await page.Locator("#signin-error").TextContentAsync(), StringComparison.Ordinal);
        }

        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        var answer = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
            r => r.Url.Contains("/signin", StringComparison.Ordinal) && r.Request.Method == "POST");
        await visit.ShotAsync("too-many-failures");

        Assert.Equal(429, answer.Status);
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
        Assert.Contains("Too many failed sign-ins for this email. Try again in 15 minutes", await page.Locator("#signin-error").TextContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithTheKeyboardOnly_ReachesTheDashboardAndItsLinks()
    {
        await using var visit = await app.OpenAsync(nameof(SignIn_WithTheKeyboardOnly_ReachesTheDashboardAndItsLinks));
        var page = visit.Page;
        await visit.GoAsync("/signin", "sign-in");

        await page.Keyboard.TypeAsync("admin@localhost");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(app.Server.AdminPassword);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Uri(app.Server.BaseAddress, "/").ToString());
        await visit.ShotAsync("dashboard");

        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await page.EvaluateAsync<string>("document.activeElement.textContent"));
        var reached = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>("document.activeElement.textContent.trim()"));
        }

        Assert.Contains("Add integration", reached);
        Assert.Contains("Notification settings", reached);
        Assert.Contains("Sign out", reached);
    }

    [Fact]
    public async Task AddIntegration_PostEventsToTheUrl_DashboardCountsChange()
    {
        await using var visit = await app.SignInAsync(nameof(AddIntegration_PostEventsToTheUrl_DashboardCountsChange));
        var page = visit.Page;

        await visit.GoAsync("/integrations/new?type=webhook.incoming-webhook", "add-integration");
        await page.GetByLabel("Integration name").FillAsync("Shop Events");
        await page.GetByLabel("Primary key (optional)").FillAsync("order.id");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save integration" }).ClickAsync();
        await visit.ShotAsync("primary-key-refused");
        Assert.Contains("top-level field name", await page.Locator("#primary-key-error").TextContentAsync(), StringComparison.Ordinal);

        await page.GetByLabel("Primary key (optional)").FillAsync("id");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save integration" }).ClickAsync();
        await page.Locator("#webhook-url").WaitForAsync();
        await visit.ShotAsync("url-shown-once");
        var url = await page.Locator("#webhook-url").InputValueAsync();
        Assert.Matches("/v1/clients/1/token/[0-9a-f]{64}$", url);
        Assert.Contains("Keep it secret", await page.Locator(".warning").TextContentAsync(), StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#copy-status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^(Copied to the clipboard\.|Select the URL and copy it with Ctrl\+C\.)$"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        await visit.ShotAsync("integration-settings");
        Assert.DoesNotContain(url[^64..], await page.ContentAsync(), StringComparison.Ordinal);

        await visit.GoAsync("/", "dashboard-before-events");
        var row = page.Locator("tr[data-integration='shop_events']");
        Assert.Equal("0", await row.Locator("[data-field=rows-loaded-today]").TextContentAsync());
        Assert.Equal("Never", (await row.Locator("[data-field=last-rows-received]").TextContentAsync())?.Trim());

        using var body = new StringContent("""[{"id":1,"sku":"A"},{"id":2,"sku":"B"},{"id":3,"sku":"C"}]""", Encoding.UTF8, "application/json");
        using var posted = await Http.PostAsync(new Uri(url), body);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

        await WaitForTextAsync(page, "/", row.Locator("[data-field=rows-loaded-today]"), "3");
        await visit.ShotAsync("dashboard-after-events");
        // The two counts are in different units, and say so.
        var headers = await page.Locator("table th").AllInnerTextsAsync();
        Assert.Contains("Rows to be Loaded (records)", headers);
        Assert.Contains("Rows Loaded Today (UTC, table rows)", headers);
        Assert.Contains("subtable rows included", await page.Locator("#dashboard-units").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("active", await row.Locator("[data-field=status]").TextContentAsync());
        Assert.Equal("shop_events.data", (await row.Locator("[data-field=last-table-loaded]").InnerTextAsync()).Split('\n')[0].Trim());
        Assert.NotEqual("Never", (await row.Locator("[data-field=last-rows-received]").TextContentAsync())?.Trim());

        await page.SetViewportSizeAsync(390, 844);
        await visit.ShotAsync("dashboard-phone");
        await page.SetViewportSizeAsync(1280, 900);
        await page.GetByRole(AriaRole.Link, new() { Name = "Shop Events" }).ClickAsync();
        await visit.ShotAsync("integration-settings-with-data");
        Assert.Equal("3", await page.Locator("[data-table-rows=data]").TextContentAsync());

        await visit.GoAsync("/data?table=shop_events.data", "data-preview");
        Assert.Equal(3, await page.Locator("table[aria-label='Rows of shop_events.data'] tbody tr").CountAsync());
        Assert.Equal(404, await visit.GoAsync("/data?table=shop_events.nope", "data-unknown-table"));
    }

    [Fact]
    public async Task WebhookUrls_GenerateSecondThenRevokeFirst_RevokedUrlAnswers404()
    {
        await using var visit = await app.SignInAsync(nameof(WebhookUrls_GenerateSecondThenRevokeFirst_RevokedUrlAnswers404));
        var page = visit.Page;
        var first = await AddIntegrationAsync(visit, "Rotation Test");
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Generate webhook URL" }).ClickAsync();
        await page.Locator("#webhook-url").WaitForAsync();
        await visit.ShotAsync("second-url");
        var second = await page.Locator("#webhook-url").InputValueAsync();
        Assert.NotEqual(first, second);
        Assert.Equal(2, await page.Locator("tr[data-token-id]").CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Generate webhook URL" }).CountAsync());

        await page.GetByRole(AriaRole.Link, new() { Name = $"Revoke the URL ending in {first[^4..]}" }).ClickAsync();
        await visit.ShotAsync("confirm-revoke");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await page.Locator(".flash").WaitForAsync();
        await visit.ShotAsync("revoked");
        Assert.Equal(1, await page.Locator("tr[data-token-id]").CountAsync());
        Assert.Contains(second[^4..], await page.Locator("tr[data-token-id]").TextContentAsync(), StringComparison.Ordinal);

        using var revoked = await Http.PostAsync(new Uri(first), new StringContent("""{"id":1}""", Encoding.UTF8, "application/json"));
        using var live = await Http.PostAsync(new Uri(second), new StringContent("""{"id":1}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause integration" }).ClickAsync();
        await visit.ShotAsync("paused");
        Assert.Equal("paused", await page.Locator("#integration-status").TextContentAsync());
        using var paused = await Http.PostAsync(new Uri(second), new StringContent("""{"id":2}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, paused.StatusCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume integration" }).ClickAsync();
        Assert.Equal("active", await page.Locator("#integration-status").TextContentAsync());
    }

    [Fact]
    public async Task Hooks_HttpRefusedWithInvalidUri_HttpsAddedThenDisabledAndReenabled()
    {
        await using var visit = await app.SignInAsync(nameof(Hooks_HttpRefusedWithInvalidUri_HttpsAddedThenDisabledAndReenabled));
        var page = visit.Page;
        await visit.GoAsync("/settings/notifications", "notification-settings");

        await page.GetByLabel("Webhook URL").FillAsync("http://hooks.example.com/loaded");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Webhook" }).ClickAsync();
        await visit.ShotAsync("invalid-uri");
        Assert.StartsWith("Invalid URI", await page.Locator("#hook-url-error").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("tr[data-hook-id]").CountAsync());

        await page.GetByLabel("Webhook URL").FillAsync("https://hooks.example.com/loaded");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Webhook" }).ClickAsync();
        await visit.ShotAsync("hook-added");
        var hook = page.Locator("tr[data-hook-id]");
        Assert.Equal(1, await hook.CountAsync());
        Assert.Equal("Enabled", await hook.Locator("[data-field=hook-status]").TextContentAsync());

        // Post/redirect/get: the page after Save Webhook is a GET showing the one-time secret at the top; reloading it
        // adds no second hook and no longer shows the secret.
        Assert.EndsWith("/settings/notifications", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.StartsWith("whsec_", await page.Locator("#secret-value").InputValueAsync(), StringComparison.Ordinal);
        Assert.Contains("Added the webhook https://hooks.example.com/loaded", await page.Locator("p.flash").TextContentAsync(), StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<bool>(
            "() => document.getElementById('hook-secret').compareDocumentPosition(document.getElementById('hooks-title')) === Node.DOCUMENT_POSITION_FOLLOWING"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Assertions.Expect(page.Locator("#copy-status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^(Copied to the clipboard\.|Select the secret and copy it with Ctrl\+C\.)$"));
        await page.ReloadAsync();
        await visit.ShotAsync("hook-added-reloaded");
        Assert.Equal(1, await hook.CountAsync());
        Assert.Equal(0, await page.Locator("#hook-secret").CountAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Disable this webhook: https://hooks.example.com/loaded" }).ClickAsync();
        await visit.ShotAsync("hook-disabled");
        Assert.Equal("Disabled", await hook.Locator("[data-field=hook-status]").TextContentAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Re-enable this webhook: https://hooks.example.com/loaded" }).ClickAsync();
        await visit.ShotAsync("hook-reenabled");
        Assert.Equal("Enabled", await hook.Locator("[data-field=hook-status]").TextContentAsync());

        await page.GetByLabel("Email address").FillAsync("ops@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add recipient" }).ClickAsync();
        await visit.ShotAsync("recipient-added");
        Assert.Contains("ops@example.com", await page.Locator("table[aria-labelledby=emails-title]").TextContentAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Link, new() { Name = "Delete this webhook: https://hooks.example.com/loaded" }).ClickAsync();
        await visit.ShotAsync("confirm-delete-hook");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await visit.ShotAsync("hook-deleted");
        Assert.Equal(0, await page.Locator("tr[data-hook-id]").CountAsync());
    }

    [Fact]
    public async Task OtherAccountsUser_OpensFirstAccountsPagesByUrl_Gets404()
    {
        await using var owner = await app.SignInAsync(nameof(OtherAccountsUser_OpensFirstAccountsPagesByUrl_Gets404) + "-owner");
        await AddIntegrationAsync(owner, "Private Orders");
        await owner.Page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        var integrationPath = new Uri(owner.Page.Url).AbsolutePath;
        await owner.GoAsync("/settings/notifications", "owner-settings");
        await owner.Page.GetByLabel("Webhook URL").FillAsync("https://hooks.example.com/private");
        await owner.Page.GetByRole(AriaRole.Button, new() { Name = "Save Webhook" }).ClickAsync();
        var hookId = await owner.Page.Locator("tr[data-hook-id]").Last.GetAttributeAsync("data-hook-id");

        var other = await app.CreateOtherAccountUserAsync("eve@example.com");
        await using var visit = await app.SignInAsync(nameof(OtherAccountsUser_OpensFirstAccountsPagesByUrl_Gets404), other.Email, other.Password);

        Assert.Equal(404, await visit.GoAsync(integrationPath, "other-integration"));
        Assert.Equal(404, await visit.GoAsync($"/hooks/{hookId}/deliveries", "other-deliveries"));
        Assert.Equal(404, await visit.GoAsync("/data?table=private_orders.data", "other-data"));
        Assert.Equal(200, await visit.GoAsync("/", "own-dashboard"));
        Assert.DoesNotContain("Private Orders", await visit.Page.ContentAsync(), StringComparison.Ordinal);
        await visit.GoAsync("/settings/notifications", "own-settings");
        Assert.Equal(0, await visit.Page.Locator("tr[data-hook-id]").CountAsync());
    }

    [Fact]
    public async Task Destination_TestConnectionToAClosedPort_ShowsTheErrorAndKeepsDuckDb()
    {
        await using var visit = await app.SignInAsync(nameof(Destination_TestConnectionToAClosedPort_ShowsTheErrorAndKeepsDuckDb));
        var page = visit.Page;
        await visit.GoAsync("/destination", "destination");
        Assert.Contains("Embedded DuckDB", await page.Locator("#current-destination").TextContentAsync(), StringComparison.Ordinal);

        var closedPort = ClosedPort();
        await page.GetByLabel("Host").FillAsync("127.0.0.1");
        await page.GetByLabel("Port").FillAsync(closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Database").FillAsync("warehouse");
        await page.GetByLabel("Username").FillAsync("loader");
        await page.GetByLabel("Password").FillAsync("secret");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await visit.ShotAsync("test-connection-failed");
        var message = await page.Locator("#test-result").TextContentAsync();
        Assert.StartsWith("Could not connect:", message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{closedPort}", message, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Save destination" }).ClickAsync();
        await visit.ShotAsync("save-refused");
        Assert.StartsWith("Could not connect:", await page.Locator("#test-result").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("Embedded DuckDB", await page.Locator("#current-destination").TextContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notifications_LoadErrorShown_DismissHidesIt()
    {
        long id;
        await using (var db = new Sluice.Storage.ControlDbContextFactory(new Sluice.Storage.ControlPlaneOptions(), Path.Combine(app.Server.DataDir, "control.db")).CreateDbContext())
        {
            var notification = new Sluice.Storage.Notification
            {
                AccountId = 1, Level = Sluice.Storage.Notification.Critical, Category = "loading", Code = "load_failed",
                Title = "Loading into shop_events failed", Message = "relation \"data\" is locked", CreatedAt = DateTime.UtcNow,
            };
            db.Notifications.Add(notification);
            await db.SaveChangesAsync();
            id = notification.Id;
        }

        await using var visit = await app.SignInAsync(nameof(Notifications_LoadErrorShown_DismissHidesIt));
        var page = visit.Page;
        await visit.GoAsync("/notifications", "notifications");
        var card = page.Locator($"[data-notification-id='{id}']");
        Assert.Contains("Loading into shop_events failed", await card.TextContentAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Dismiss: Loading into shop_events failed" }).ClickAsync();
        await visit.ShotAsync("dismissed");
        Assert.Equal(0, await card.CountAsync());
        await visit.GoAsync("/notifications?all=true", "with-dismissed");
        Assert.Contains("Dismissed", await card.TextContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hooks_TenHooks_LimitExplainedInsteadOfTheAddForm_AtPhoneWidth()
    {
        var other = await app.CreateOtherAccountUserAsync("limits@example.com");
        using var api = new HttpClient { BaseAddress = app.Server.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", other.ApiToken);
        var destinations = await api.GetFromJsonAsync<System.Text.Json.JsonElement>("v4/destinations");
        var destinationId = destinations[0].GetProperty("id").GetInt64();
        for (var i = 0; i < 10; i++)
        {
            using var created = await api.PostAsJsonAsync(
                "notifications/public/v1/api/hooks",
                new { type = "post_load", destination_id = destinationId, config = new { url = $"https://hooks.example.com/{i}" } });
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        await using var visit = await app.SignInAsync(nameof(Hooks_TenHooks_LimitExplainedInsteadOfTheAddForm_AtPhoneWidth), other.Email, other.Password, phone: true);
        await visit.GoAsync("/settings/notifications", "ten-hooks-phone");

        Assert.Equal(10, await visit.Page.Locator("tr[data-hook-id]").CountAsync());
        Assert.Contains("10 post-load hooks, the most it can have", await visit.Page.Locator("#hook-limit").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Save Webhook" }).CountAsync());
        var width = await visit.Page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the page is {width} px wide at a 390 px phone width");
    }

    [Fact]
    public async Task Forms_PostedWithoutAntiforgeryToken_Refused()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = app.Server.BaseAddress };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = "admin@localhost", ["Password"] = app.Server.AdminPassword });

        using var response = await client.PostAsync(new Uri("signin", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("sluice_session", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Layout_BadValueRefusedThenSaved_RebuildAfterConfirmation_SplitsTheTablePerType()
    {
        await using var visit = await app.SignInAsync(nameof(Layout_BadValueRefusedThenSaved_RebuildAfterConfirmation_SplitsTheTablePerType));
        var page = visit.Page;
        var url = await AddIntegrationAsync(visit, "Layout Test");
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        var settings = new Uri(page.Url).AbsolutePath;
        using (var posted = await Http.PostAsync(new Uri(url), new StringContent(
            """[{"type":"charge","id":"ch_1","amount":2000},{"type":"refund","id":"re_1","charge":"ch_1"},{"type":"charge","id":"ch_2","amount":500}]""",
            Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        await WaitForTableAsync(page, settings, "data", "3");

        await page.GetByLabel("Table per event type").FillAsync("column:type");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save layout" }).ClickAsync();
        await page.Locator(".flash").WaitForAsync();
        await visit.ShotAsync("layout-refused");
        Assert.Contains("Layout not saved", await page.Locator(".flash").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, await page.GetByLabel("Table per event type").InputValueAsync());

        await page.GetByLabel("Table per event type").FillAsync("field:type");
        await page.GetByLabel("Max depth").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save layout" }).ClickAsync();
        await page.Locator(".flash").WaitForAsync();
        Assert.Contains("Saved the table layout", await page.Locator(".flash").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("field:type", await page.GetByLabel("Table per event type").InputValueAsync());
        Assert.Equal("3", await page.GetByLabel("Max depth").InputValueAsync());

        await page.GetByRole(AriaRole.Link, new() { Name = "Rebuild tables from raw records" }).ClickAsync();
        await page.GetByRole(AriaRole.Alertdialog).WaitForAsync();
        await visit.ShotAsync("confirm-reload");
        Assert.Contains("3 raw records", await page.GetByRole(AriaRole.Alertdialog).TextContentAsync(), StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Rebuild tables" }).ClickAsync();
        await page.Locator(".flash").WaitForAsync();
        Assert.Contains("Reload requested", await page.Locator(".flash").TextContentAsync(), StringComparison.Ordinal);

        await WaitForTableAsync(page, settings, "charge", "2");

        // The loader notes the reload's outcome in the control plane just after the destination commit.
        var clock = Stopwatch.StartNew();
        while (!((await page.Locator("#reload-status").TextContentAsync()) ?? string.Empty).Contains("table version 1", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(200);
            await page.GotoAsync(settings);
        }

        await visit.ShotAsync("reloaded");
        Assert.Equal("1", (await page.Locator("[data-table-rows=refund]").TextContentAsync())?.Trim());
        Assert.Equal(0, await page.Locator("[data-table-rows=data]").CountAsync());
        Assert.Contains("table version 1", await page.Locator("#reload-status").TextContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gallery_PickSendGrid_FollowTheSteps_EventsArriveInTheEventsTable()
    {
        await using var visit = await app.SignInAsync(nameof(Gallery_PickSendGrid_FollowTheSteps_EventsArriveInTheEventsTable));
        var page = visit.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "Add integration" }).First.ClickAsync();
        await page.Locator("ul.gallery").WaitForAsync();
        await visit.ShotAsync("gallery");
        Assert.True(await page.Locator("ul.gallery li").CountAsync() >= 30);

        await page.Locator("a[data-integration-type='webhook.sendgrid']").ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Add SendGrid integration" }).WaitForAsync();
        await visit.ShotAsync("sendgrid-setup");
        Assert.Contains("Event Webhook", await page.Locator("ol.steps").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByLabel("Primary key (optional)").CountAsync()); // branded: no primary-key step
        await page.GetByLabel("Integration name").FillAsync("SendGrid Mail");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save integration" }).ClickAsync();
        await page.Locator("#webhook-url").WaitForAsync();
        var url = await page.Locator("#webhook-url").InputValueAsync();
        await visit.ShotAsync("sendgrid-steps-with-url");
        Assert.Equal(url, await page.Locator("ol.steps code.webhook-url").First.TextContentAsync());

        // What SendGrid's "Test Integration" posts: an array of events, categories as an array or a string.
        using (var posted = await Http.PostAsync(new Uri(url), new StringContent(
            """[{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"processed","category":["cat facts","newsletter"],"sg_event_id":"sg_event_id","sg_message_id":"sg_message_id"},{"email":"example@test.com","timestamp":1513299569,"event":"open","category":"cat facts","sg_event_id":"sg_event_id2","useragent":"Mozilla/4.0","ip":"255.255.255.255"},{"email":null,"timestamp":1513299570,"event":"dropped","category":"cat facts","sg_event_id":"sg_event_id3","reason":"Bounced Address","status":"5.0.0"}]""",
            Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        var settings = new Uri(page.Url).AbsolutePath;
        await WaitForTableAsync(page, settings, "events", "2");
        await visit.GoAsync("/data?table=sendgrid_mail.events", "sendgrid-events");
        Assert.Equal(2, await page.Locator("table[aria-label='Rows of sendgrid_mail.events'] tbody tr").CountAsync());
        await visit.GoAsync("/", "dashboard-with-icon");
        Assert.Equal(1, await page.Locator("tr[data-integration='sendgrid_mail'] svg[aria-label='SendGrid']").CountAsync());
    }

    private static async Task<string> AddIntegrationAsync(Visit visit, string name)
    {
        await visit.GoAsync("/integrations/new?type=webhook.incoming-webhook", "add-integration");
        await visit.Page.GetByLabel("Integration name").FillAsync(name);
        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Save integration" }).ClickAsync();
        await visit.Page.Locator("#webhook-url").WaitForAsync();
        await visit.ShotAsync("url-shown-once");
        return await visit.Page.Locator("#webhook-url").InputValueAsync();
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Reloads the settings page until table <paramref name="table"/> is listed with <paramref name="rows"/> rows.</summary>
    private static async Task WaitForTableAsync(IPage page, string path, string table, string rows)
    {
        var clock = Stopwatch.StartNew();
        var cell = page.Locator($"[data-table-rows={table}]");
        string? text = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await page.GotoAsync(path);
            text = await cell.CountAsync() == 1 ? (await cell.TextContentAsync())?.Trim() : null;
            if (text == rows)
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{path}: expected table {table} with {rows} rows, found '{text}' after 30 s");
    }

    /// <summary>Reloads <paramref name="path"/> until <paramref name="cell"/> reads <paramref name="expected"/> (the loader runs in another process).</summary>
    private static async Task WaitForTextAsync(IPage page, string path, ILocator cell, string expected)
    {
        var clock = Stopwatch.StartNew();
        string? text = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await page.GotoAsync(path);
            text = (await cell.TextContentAsync())?.Trim();
            if (text == expected)
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"{path}: expected '{expected}', still '{text}' after 30 s");
    }
}
