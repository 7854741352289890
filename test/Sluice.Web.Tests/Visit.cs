using Microsoft.Playwright;

namespace Sluice.Web.Tests;

/// <summary>One browser session of one test; every page it shows can be saved as a numbered full-page screenshot.</summary>
public sealed class Visit(IBrowserContext context, IPage page, string testClass, string testName) : IAsyncDisposable
{
    private static readonly string ScreenshotRoot = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
    private int number;

    public IPage Page { get; } = page;

    /// <summary>Saves <c>artifacts/screenshots/&lt;class&gt;/&lt;test&gt;-NN-&lt;name&gt;.png</c>.</summary>
    public async Task ShotAsync(string name)
    {
        number++;
        var path = Path.Combine(ScreenshotRoot, testClass, $"{testName}-{number:00}-{name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
    }

    /// <summary>Goes to <paramref name="path"/>, saves a screenshot, and returns the HTTP status.</summary>
    public async Task<int> GoAsync(string path, string shot)
    {
        var response = await Page.GotoAsync(path);
        await ShotAsync(shot);
        return response?.Status ?? 0;
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sluice.slnx")))
            {
                return dir.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}
