using System.Text.Json;

namespace Sluice.Cli.Tests.Cli;

/// <summary>Runs <c>sluice</c> in-process with captured stdout/stderr and a private environment (no process-wide variables).</summary>
public static class CliRunner
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var env = new CliEnvironment(stdout, stderr, name => environment.TryGetValue(name, out var value) ? value : null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exitCode = await SluiceCli.RunAsync(args, env, timeout.Token);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }
}

public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Out);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts a failure: the exit code, nothing on stdout, and exactly one line on stderr starting with <c>error: </c>.</summary>
    public string AssertOneLineError(int exitCode)
    {
        Assert.True(ExitCode == exitCode, $"exit code {ExitCode}, expected {exitCode}; stdout: {Out}; stderr: {Error}");
        Assert.Equal(string.Empty, Out);
        var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        return lines[0].TrimEnd('\r');
    }

    public void AssertSuccess()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}; stdout: {Out}; stderr: {Error}");
        Assert.Equal(string.Empty, Error);
    }
}
