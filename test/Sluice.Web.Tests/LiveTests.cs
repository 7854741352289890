using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Playwright;
using Sluice.Testing;

namespace Sluice.Web.Tests;

/// <summary>
/// A server with a PostgreSQL server to switch a destination to (through a relay that can be switched off) and the HTTPS hook
/// receiver on loopback (explicit development settings, as <see cref="LocalHooksFixture"/>).
/// </summary>
public sealed class LiveFixture : WebAppFixture
{
    public PostgresServer Postgres { get; private set; } = null!;

    public HookReceiver Receiver { get; private set; } = null!;

    protected override IDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["SLUICE_Hooks__AllowPrivateNetworks"] = "true",
        ["SLUICE_Hooks__TrustedCertificatePath"] = Receiver.CertificatePath,
    };

    public override async Task InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync();
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
