namespace Sluice.Cli.Tests.Cli;

/// <summary><c>sluice integrations docs</c> and <c>list</c>; the checked-in <c>docs/integrations</c> must match the catalog.</summary>
public sealed class IntegrationCommandsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sluice-docs-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Docs_CheckedInPages_MatchTheCatalog()
    {
        var docs = Path.Combine(RepositoryRoot(), "docs", "integrations");

        var result = await CliRunner.RunAsync("integrations", "docs", docs, "--check");

        Assert.True(result.ExitCode == 0, $"docs/integrations is stale; run: dotnet run --project src/Sluice.Cli -- integrations docs docs/integrations ({result.Error})");
    }

    [Fact]
    public async Task Docs_WritesAPagePerProvider_CheckThenFindsAChangedAndAnExtraPage()
    {
        var written = await CliRunner.RunAsync("integrations", "docs", _directory);
        Assert.Equal(0, written.ExitCode);
        var github = await File.ReadAllTextAsync(Path.Combine(_directory, "github.md"));
        Assert.StartsWith("---\ntitle: GitHub\n", github, StringComparison.Ordinal);
        Assert.Contains("source_type: \"webhook.github\"", github, StringComparison.Ordinal);
        Assert.Contains("## Setup", github, StringComparison.Ordinal);
        Assert.Contains("X-Hub-Signature-256", github, StringComparison.Ordinal);
        Assert.True(Directory.GetFiles(_directory, "*.md").Length >= 30);
        Assert.Equal(0, (await CliRunner.RunAsync("integrations", "docs", _directory, "--check")).ExitCode);

        await File.AppendAllTextAsync(Path.Combine(_directory, "stripe.md"), "edited by hand\n");
        await File.WriteAllTextAsync(Path.Combine(_directory, "retired.md"), "a provider no longer in the catalog\n");
        var error = (await CliRunner.RunAsync("integrations", "docs", _directory, "--check")).AssertOneLineError(1);
        Assert.Contains("retired.md, stripe.md", error, StringComparison.Ordinal);

        Assert.Equal(0, (await CliRunner.RunAsync("integrations", "docs", _directory)).ExitCode);
        Assert.False(File.Exists(Path.Combine(_directory, "retired.md")));
        Assert.Equal(0, (await CliRunner.RunAsync("integrations", "docs", _directory, "--check")).ExitCode);
    }

    [Fact]
    public async Task List_ShowsEveryTypeWithItsSignatureHeaderAndTables()
    {
        var result = await CliRunner.RunAsync("integrations", "list", "--json");

        Assert.Equal(0, result.ExitCode);
        var entries = result.Json().EnumerateArray().ToDictionary(e => e.GetProperty("type").GetString()!);
        Assert.Equal("Stripe-Signature", entries["webhook.stripe"].GetProperty("signature").GetString());
        Assert.Equal("table:events", entries["webhook.sendgrid"].GetProperty("table_from").GetString());
        Assert.Equal("messageId", entries["webhook.segment"].GetProperty("primary_key").GetString());
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Sluice.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Sluice.slnx not found above " + AppContext.BaseDirectory);
    }
}
