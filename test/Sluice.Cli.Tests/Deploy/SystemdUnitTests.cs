using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Cli.Tests.Deploy;

/// <summary>
/// deploy/sluice.service as systemd reads it: <c>systemd-analyze verify</c> without a single warning (it exits 0 even for a
/// value it ignores, so any output fails), and <c>systemd-analyze security</c> rating it OK or better. systemd is not PID 1
/// in a container, so the service itself is not started here. Without systemd-analyze (Debian's systemd package, which
/// scripts/test.sh installs) these tests fail rather than skip.
/// </summary>
public sealed partial class SystemdUnitTests : IDisposable
{
    private readonly string scratch = Path.Combine(Path.GetTempPath(), "sluice-unit-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Verify_SluiceService_NoWarnings()
    {
        var unit = UnitWithExecutable();
        var (exit, output) = await RunAsync("verify", unit);
        Assert.True(exit == 0 && output.Length == 0, $"systemd-analyze verify exited {exit}:\n{output}");
    }

    [Fact]
    public async Task Security_SluiceService_ExposureOkOrBetter()
    {
        var unit = UnitWithExecutable();
        var (exit, output) = await RunAsync("security", "--offline=true", "--no-pager", unit);
        Assert.True(exit == 0, $"systemd-analyze security exited {exit}:\n{output}");
        var match = ExposureLevel().Match(output);
        Assert.True(match.Success, $"no exposure level in:\n{output}");
        var exposure = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(exposure <= 4.0, $"exposure {exposure} (10 is unprotected); the unit lost its hardening:\n{output}");
    }

    public void Dispose()
    {
        if (Directory.Exists(scratch))
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The unit as shipped, with ExecStart pointing at an executable that exists here (verify checks that it does).</summary>
    private string UnitWithExecutable()
    {
        Directory.CreateDirectory(scratch);
        var executable = Path.Combine(scratch, "sluice");
        File.WriteAllText(executable, "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var shipped = File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "sluice.service"));
        Assert.Contains("ExecStart=/usr/local/bin/sluice serve", shipped, StringComparison.Ordinal);
        var unit = Path.Combine(scratch, "sluice.service");
        File.WriteAllText(unit, shipped.Replace("ExecStart=/usr/local/bin/sluice", "ExecStart=" + executable, StringComparison.Ordinal));
        return unit;
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        const string tool = "/usr/bin/systemd-analyze";
        Assert.True(File.Exists(tool), $"{tool} is missing: install Debian's systemd package (scripts/test.sh does), the unit cannot be checked without it.");
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
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

    [GeneratedRegex(@"Overall exposure level for \S+: ([0-9.]+)")]
    private static partial Regex ExposureLevel();
}
