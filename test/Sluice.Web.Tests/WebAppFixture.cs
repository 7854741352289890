using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using Sluice.Server.Accounts;
using Sluice.Storage;
using Sluice.Testing;

namespace Sluice.Web.Tests;

/// <summary>
/// One <c>sluice serve</c> process and one headless Chromium (Debian's, through <c>ExecutablePath</c>) per test class. Each
/// test gets its own browser context (its own cookies), signs in like a person and saves a full-page screenshot of every
/// page it visits under <c>artifacts/screenshots/</c>.
/// </summary>
public class WebAppFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "sluice-web-" + Guid.NewGuid().ToString("N"));
    private IPlaywright? playwright;

    public SluiceProcess Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Server configuration for this class, as <c>SLUICE_...</c> environment variables.</summary>
    protected virtual IDictionary<string, string> Environment => new Dictionary<string, string>();

    public virtual async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: apt-get install chromium (scripts/test.sh installs it).");
        var environment = new Dictionary<string, string> { ["SLUICE_Logging__LogLevel__Default"] = "Warning" };
        foreach (var (key, value) in Environment)
        {
            environment[key] = value;
        }

        Server = await SluiceProcess.StartAsync(dataDir, environment);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        SluiceServer.TryDelete(dataDir);
    }

    /// <summary>A fresh browser session (no cookies) at 1280 px, or at phone width.</summary>
    public async Task<Visit> OpenAsync(string testName, bool phone = false, [CallerFilePath] string callerFile = "")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseAddress.ToString(),
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return new Visit(context, page, Path.GetFileNameWithoutExtension(callerFile), testName);
    }

    /// <summary>Signs in on the sign-in page as a person would; lands on the dashboard.</summary>
    public async Task<Visit> SignInAsync(string testName, string? email = null, string? password = null, bool phone = false, [CallerFilePath] string callerFile = "")
    {
        var visit = await OpenAsync(testName, phone, callerFile);
        await visit.Page.GotoAsync("/signin");
        await visit.Page.GetByLabel("Email").FillAsync(email ?? UserService.FirstUserEmail);
        await visit.Page.GetByLabel("Password").FillAsync(password ?? Server.AdminPassword);
        await visit.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // CI runs the test projects side by side on two cores, with PostgreSQL and Chromium: allow the sign-in and the
        // dashboard's first render for a new account more than a page step's 30 s. Poll the page's URL and heading instead
        // of waiting for a navigation event: in CI runs the browser was on the dashboard, its heading shown and the network
        // idle, while Playwright's wait for the URL (with "load", and later with "commit") ran out after 90 s.
        var dashboard = new Uri(Server.BaseAddress, "/").ToString();
        var heading = visit.Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!(visit.Page.Url == dashboard && await IsShownAsync(heading)))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                // Say where the browser is and what the page says, not only that the dashboard never came.
                var text = await visit.Page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 });
                throw new TimeoutException($"Signing in as {email ?? UserService.FirstUserEmail} did not reach the dashboard in 90 s; the page is {visit.Page.Url}: {text}");
            }

            await Task.Delay(100);
        }

        await visit.ShotAsync("dashboard-after-sign-in");
        return visit;
    }

    /// <summary>Whether <paramref name="locator"/> shows now; false while a navigation replaces the page under it.</summary>
    private static async Task<bool> IsShownAsync(ILocator locator)
    {
        try
        {
            return await locator.IsVisibleAsync();
        }
        catch (PlaywrightException)
        {
            return false;
        }
    }

    /// <summary>A second account and a user of it, made with the same operator paths as <c>sluice accounts create</c> and <c>sluice users add</c>.</summary>
    public async Task<(long ClientId, string Email, string Password, string ApiToken)> CreateOtherAccountUserAsync(string email)
    {
        var account = await AccountAdmin.CreateAccountAsync(Server.DataDir, CancellationToken.None);
        var user = await UserAdmin.AddAsync(Server.DataDir, new ControlPlaneOptions(), email, account.ClientId, CancellationToken.None);
        Assert.True(user.Succeeded, user.Error?.Message);
        return (account.ClientId, user.Value.User.Email, user.Value.Password, account.ApiToken);
    }
}
