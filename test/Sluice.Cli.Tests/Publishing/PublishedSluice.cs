using System.Diagnostics;

namespace Sluice.Cli.Tests.Publishing;

/// <summary>
/// <c>dotnet publish src/Sluice.Cli -c Release -r linux-x64</c>, the README's command, run once for the tests that share this
/// fixture, into a temporary directory (about a minute: the RID-specific build of every project, then the bundle).
/// </summary>
public sealed class PublishedSluice : IAsyncLifetime
{
    public string OutputDir { get; } = Path.Combine(Path.GetTempPath(), "sluice-publish-" + Guid.NewGuid().ToString("N"));

    public string Executable => Path.Combine(OutputDir, "sluice");

    public TimeSpan PublishTime { get; private set; }

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "publish", Path.Combine(RepositoryRoot(), "src", "Sluice.Cli"), "-c", "Release", "-r", "linux-x64", "-o", OutputDir, "-nologo" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        PublishTime = clock.Elapsed;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(OutputDir))
        {
            Directory.Delete(OutputDir, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sluice.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Sluice.slnx above {AppContext.BaseDirectory}.");
    }
}
