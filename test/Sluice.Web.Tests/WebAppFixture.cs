using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using Sluice.Server.Accounts;
using Sluice.Storage;

namespace Sluice.Web.Tests;

/// <summary>
/// One <c>sluice serve</c> process and one headless Chromium (Debian's, through <c>ExecutablePath</c>) per test class. Each
/// test gets its own browser context (its own cookies), signs in like a person and saves a full-page screenshot of every
/// page it visits under <c>artifacts/screenshots/</c>.
/// </summary>
public class WebAppFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public ServeProcess Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Server configuration for this class, as <c>SLUICE_...</c> environment variables.</summary>
    protected virtual IDictionary<string, string> Environment => new Dictionary<string, string>();

    public virtual async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: apt-get install chromium (scripts/test.sh installs it).");
        Server = await ServeProcess.StartAsync(Environment);
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
        try
        {
            // CI runs the test projects side by side on two cores, with PostgreSQL and Chromium: allow the sign-in and the
            // dashboard's first render for a new account more than a page step's 30 s. Wait for the dashboard's URL to commit
            // and its heading to show, not for the page's load event: in a CI run the browser was on the dashboard, content
            // shown and the network idle, while the wait for "load" ran out after 90 s.
            await visit.Page.WaitForURLAsync(new Uri(Server.BaseAddress, "/").ToString(), new() { Timeout = 90_000, WaitUntil = WaitUntilState.Commit });
            await visit.Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true }).WaitForAsync(new() { Timeout = 90_000 });
        }
        catch (TimeoutException error)
        {
            // Say where the browser is and what the page says, not only that the dashboard never came.
            var text = await visit.Page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 });
            throw new TimeoutException($"Signing in as {email ?? UserService.FirstUserEmail} did not reach the dashboard; the page is {visit.Page.Url}: {text}", error);
        }

        await visit.ShotAsync("dashboard-after-sign-in");
        return visit;
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
