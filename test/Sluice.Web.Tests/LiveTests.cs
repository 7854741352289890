using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Playwright;
using Sluice.Testing;

namespace Sluice.Web.Tests;

/// <summary>
/// The hook receiver's server (<see cref="LocalHooksFixture"/>) and a PostgreSQL server to switch a destination to, through a
/// relay that can be switched off.
/// </summary>
public sealed class LiveFixture : LocalHooksFixture
{
    public PostgresServer Postgres { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }
}

/// <summary>
/// What a user sees change by itself: the dashboard's and an integration's figures and charts after events are posted, a sample
/// of the raw events with secret headers masked, and the dashboard's figures across a change of destination and an outage. Each
/// test has an account of its own, so the account-wide charts hold only what it posted.
/// </summary>
public sealed class LiveTests(LiveFixture app) : IClassFixture<LiveFixture>
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task Dashboard_DestinationSwitchedToPostgresThenDown_KeepsRowsLoadedTodayAndErrorOnlyWhileRecordsWait()
    {
        var user = await app.CreateOtherAccountUserAsync("switch@example.com");
        await using var visit = await app.SignInAsync(nameof(Dashboard_DestinationSwitchedToPostgresThenDown_KeepsRowsLoadedTodayAndErrorOnlyWhileRecordsWait), user.Email, user.Password);
        var page = visit.Page;
        var url = await AddIntegrationAsync(visit, "Switch Orders");
        await PostAsync(url, Records(1, 13));

        var row = page.Locator("tr[data-integration='switch_orders']");
        await WaitForAsync(page, "/", async () => await row.Locator("[data-field=rows-loaded-today]").TextContentAsync() == "13");
        await visit.ShotAsync("duckdb-13-rows");

        await using var relay = new TcpRelay(app.Postgres.Host, app.Postgres.Port);
        relay.Start();
        var database = await app.Postgres.CreateDatabaseAsync("sluice_web_switch");
        await visit.GoAsync("/destination", "destination");
        await page.GetByLabel("Host").FillAsync("127.0.0.1");
        await page.GetByLabel("Port").FillAsync(relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Database").FillAsync(database);
        await page.GetByLabel("Username").FillAsync(app.Postgres.Username);
        await page.GetByLabel("Password").FillAsync(app.Postgres.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save destination" }).ClickAsync();
        await visit.ShotAsync("postgres-saved");
        await Assertions.Expect(page.Locator("#current-destination")).ToContainTextAsync("PostgreSQL");

        // The loads went to DuckDB; the account still loaded 13 rows today (was 0: the figure came from the new destination).
        await visit.GoAsync("/", "postgres-still-13-rows");
        Assert.Equal("13", await row.Locator("[data-field=rows-loaded-today]").TextContentAsync());
        Assert.Equal("active", await row.Locator("[data-field=status]").TextContentAsync());

        // PostgreSQL goes down with nothing waiting: nothing of the integration is failing, so it is not an error (it was).
        relay.Stop();
        await visit.GoAsync("/", "postgres-down-nothing-waiting");
        Assert.Equal("active", await row.Locator("[data-field=status]").TextContentAsync());
        Assert.Equal("13", await row.Locator("[data-field=rows-loaded-today]").TextContentAsync());
        Assert.Contains("cannot be read right now", await page.Locator("#destination-error").TextContentAsync(), StringComparison.Ordinal);

        // Records arrive while it is down: now they wait and cannot load, which is an error; once it is back they load.
        await PostAsync(url, Records(100, 2));
        await WaitForAsync(page, "/", async () => await row.Locator("[data-field=status]").TextContentAsync() == "error");
        await visit.ShotAsync("postgres-down-records-waiting");
        Assert.Equal("2", await row.Locator("[data-field=rows-to-be-loaded]").TextContentAsync());
        relay.Start();
        await WaitForAsync(page, "/", async () => await row.Locator("[data-field=rows-loaded-today]").TextContentAsync() == "15"
            && await row.Locator("[data-field=status]").TextContentAsync() == "active", TimeSpan.FromSeconds(90));
        await visit.ShotAsync("postgres-back-15-rows");
    }

    [Fact]
    public async Task Dashboard_EventsPosted_UpdatesWithoutReloadAndChartsCountThem()
    {
        var user = await app.CreateOtherAccountUserAsync("live@example.com");
        await using var visit = await app.SignInAsync(nameof(Dashboard_EventsPosted_UpdatesWithoutReloadAndChartsCountThem), user.Email, user.Password);
        var page = visit.Page;

        await visit.GoAsync("/settings/notifications", "notification-settings");
        await page.GetByLabel("Webhook URL").FillAsync(app.Receiver.Url("live-loaded"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Webhook" }).ClickAsync();
        var url = await AddIntegrationAsync(visit, "Live Orders");

        await visit.GoAsync("/", "dashboard-before");
        var row = page.Locator("tr[data-integration='live_orders']");
        Assert.Equal("0", await row.Locator("[data-field=rows-loaded-today]").TextContentAsync());
        Assert.Equal(0, await page.Locator("#chart-received-account rect.bar").CountAsync());
        Assert.Contains("No events in the last 24 hours", await page.Locator("#chart-received-account-desc").TextContentAsync(), StringComparison.Ordinal);
        await page.EvaluateAsync("() => window.sluiceTestMarker = 'same page'");

        await PostAsync(url, Records(1, 7));
        await PostAsync(url, Records(8, 5));

        // No reload: the page's own poll brings the figures, the charts and the deliveries.
        var rows = row.Locator("[data-field=rows-loaded-today]");
        await Assertions.Expect(rows).ToHaveTextAsync("12", new() { Timeout = 60_000 });
        await UntilAsync(async () => await page.Locator("#chart-deliveries-account rect.share-succeeded").CountAsync() == 1
            && await SumAsync(page, "#chart-deliveries-account rect.share-succeeded") == await page.Locator("#chart-durations-account circle.dot").CountAsync());
        await visit.ShotAsync("dashboard-updated-by-itself");
        Assert.Equal("same page", await page.EvaluateAsync<string>("() => window.sluiceTestMarker"));

        Assert.Equal(12, await SumAsync(page, "#chart-received-account rect.bar"));
        Assert.Equal(12, await SumAsync(page, "#chart-rows-account rect.bar"));
        Assert.Contains("12 events in the last 24 hours", await page.Locator("#chart-received-account-desc").TextContentAsync(), StringComparison.Ordinal);
        var loads = await page.Locator("#chart-durations-account circle.dot").CountAsync();
        Assert.InRange(loads, 1, 2);
        Assert.Equal(loads, await SumAsync(page, "#chart-deliveries-account rect.share-succeeded"));
        Assert.Contains("events per minute", await page.Locator("#chart-received-account").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("img", await page.Locator("#chart-received-account").GetAttributeAsync("role"));

        // The integration's page updates itself too: three more events show in its chart and its table's row count.
        await page.GetByRole(AriaRole.Link, new() { Name = "Live Orders" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-table-rows=data]")).ToHaveTextAsync("12", new() { Timeout = 30_000 });
        await visit.ShotAsync("integration-before");
        Assert.Equal(12, await SumAsync(page, "#chart-received-integration rect.bar"));
        await page.EvaluateAsync("() => window.sluiceTestMarker = 'integration page'");
        await PostAsync(url, Records(13, 3));
        await Assertions.Expect(page.Locator("[data-table-rows=data]")).ToHaveTextAsync("15", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#integration-status")).ToHaveTextAsync("active");
        await visit.ShotAsync("integration-updated-by-itself");
        Assert.Equal("integration page", await page.EvaluateAsync<string>("() => window.sluiceTestMarker"));
        Assert.Equal(15, await SumAsync(page, "#chart-received-integration rect.bar"));
        Assert.Equal(15, await SumAsync(page, "#chart-rows-integration rect.bar"));
        Assert.Contains("\"id\": 15", await page.Locator("ol.events li").First.Locator("pre").TextContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Integration_EventsWithSecretHeaders_ShowsPrettyJsonAndNewestRowsWithSecretsMasked()
    {
        var user = await app.CreateOtherAccountUserAsync("sample@example.com");
        await using var visit = await app.SignInAsync(nameof(Integration_EventsWithSecretHeaders_ShowsPrettyJsonAndNewestRowsWithSecretsMasked), user.Email, user.Password);
        var page = visit.Page;
        var url = await AddIntegrationAsync(visit, "Signed Hooks");
        await page.GetByLabel("Request headers to keep").FillAsync("Authorization\nX-Hub-Signature-256\nCookie\nX-Request-Id");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save layout" }).ClickAsync();
        await visit.ShotAsync("layout-saved");

        using (var request = new HttpRequestMessage(HttpMethod.Post, url))
        {
            request.Content = new StringContent("""{"id":1,"customer":{"email":"ada@example.com"},"note":"hello"}""", Encoding.UTF8, "application/json");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer sk_live_4f9a8b7c6d5e");
            request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", "sha256=0badc0ffee0badc0ffee");
            request.Headers.TryAddWithoutValidation("Cookie", "session=s3cr3tcookie");
            request.Headers.TryAddWithoutValidation("X-Request-Id", "req-42");
            using var posted = await Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        var newest = page.Locator("[data-newest-rows=data] td[data-column=note]");
        await Assertions.Expect(newest).ToHaveTextAsync("hello", new() { Timeout = 60_000 });
        await visit.ShotAsync("sample-of-what-arrived");

        var e = page.Locator("ol.events li").First;
        Assert.Equal("req-42", await e.Locator("tr[data-header=x-request-id] td").TextContentAsync());
        Assert.Equal("Bearer •••••• (masked, 27 characters)", await e.Locator("tr[data-header=authorization] td").TextContentAsync());
        Assert.StartsWith("••••••", await e.Locator("tr[data-header=x-hub-signature-256] td").TextContentAsync(), StringComparison.Ordinal);
        Assert.StartsWith("••••••", await e.Locator("tr[data-header=cookie] td").TextContentAsync(), StringComparison.Ordinal);
        var json = await e.Locator("pre.json").TextContentAsync();
        Assert.Contains("{\n  \"id\": 1,\n  \"customer\": {\n    \"email\": \"ada@example.com\"\n  },", json, StringComparison.Ordinal);

        Assert.StartsWith("Bearer ••••••", await page.Locator("[data-newest-rows=data] td[data-column=_sdc_header_authorization]").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("ada@example.com", await page.Locator("[data-newest-rows=data] td[data-column=customer__email]").TextContentAsync());
        var html = await page.ContentAsync();
        foreach (var secret in new[] { "sk_live_4f9a8b7c6d5e", "0badc0ffee", "s3cr3tcookie" })
        {
            Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        }

        await page.SetViewportSizeAsync(390, 844);
        await visit.ShotAsync("sample-phone");
    }

    /// <summary>Adds an Incoming Webhooks integration through its page, lands on its settings page and returns the URL.</summary>
    private static async Task<string> AddIntegrationAsync(Visit visit, string name)
    {
        var page = visit.Page;
        await visit.GoAsync("/integrations/new?type=webhook.incoming-webhook", "add-integration");
        await page.GetByLabel("Integration name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save integration" }).ClickAsync();
        var url = await page.Locator("#webhook-url").InputValueAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        return url;
    }

    private static string Records(int first, int count) =>
        "[" + string.Join(",", Enumerable.Range(first, count).Select(i => $$"""{"id":{{i}},"sku":"S{{i}}"}""")) + "]";

    private static async Task PostAsync(string url, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var posted = await Http.PostAsync(new Uri(url), content);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
    }

    /// <summary>The sum of the <c>data-value</c> of the marks <paramref name="selector"/> finds.</summary>
    private static async Task<long> SumAsync(IPage page, string selector)
    {
        var values = await page.Locator(selector).EvaluateAllAsync<string[]>("marks => marks.map(m => m.dataset.value)");
        return values.Sum(long.Parse);
    }

    /// <summary>Waits, without reloading, until <paramref name="condition"/> holds: the page changes by itself.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "The page did not change by itself within 60 s.");
            await Task.Delay(250);
        }
    }

    /// <summary>Opens <paramref name="path"/> again until <paramref name="condition"/> holds (the loader runs in the server process).</summary>
    private static async Task WaitForAsync(IPage page, string path, Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(45)))
        {
            await page.GotoAsync(path);
            if (await condition())
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{path} did not show what was expected within {(timeout ?? TimeSpan.FromSeconds(45)).TotalSeconds} s: {await page.Locator("main").InnerTextAsync()}");
    }
}
