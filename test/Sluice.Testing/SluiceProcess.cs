using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Sluice.Testing;

/// <summary>
/// <c>sluice serve</c> as a real child process on a free loopback port and a data directory the test owns. Dispose kills it
/// (by its own PID) if it still runs; <see cref="Kill"/> is SIGKILL, a crash the process cannot clean up after, and
/// <see cref="RestartAsync"/> starts it again on the same data directory and port.
/// </summary>
public sealed class SluiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder standardOutput = new();
    private readonly Launch launch;
    private bool disposed;

    private SluiceProcess(Process process, Launch launch)
    {
        this.process = process;
        this.launch = launch;
        BaseAddress = new Uri($"http://127.0.0.1:{launch.Port}/");
        DataDir = launch.DataDir;
        Anonymous = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    /// <summary>The server's process id (for its resident memory in <c>/proc</c>).</summary>
    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    public string DataDir { get; }

    /// <summary>Account 1's client with its bearer token, set once the server is ready.</summary>
    public HttpClient Api { get; private set; } = null!;

    public HttpClient Anonymous { get; }

    /// <summary>The web app's first user's password, from <c>admin-password</c> (empty when the server wrote none).</summary>
    public string AdminPassword { get; private set; } = string.Empty;

    /// <summary>What the server wrote to stdout alone (<see cref="Output"/> holds stdout and stderr as they came).</summary>
    public string StandardOutput
    {
        get
        {
            lock (output)
            {
                return standardOutput.ToString();
            }
        }
    }

    /// <summary>Stdout and stderr, interleaved as they came.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>sluice serve</c> on <paramref name="dataDir"/> and waits until its API answers: with account 1's token from
    /// <c>admin-token</c>, or with <paramref name="token"/> (a further node of a shared control plane writes no token file).
    /// </summary>
    /// <param name="waitForToken">False: ready once <c>/readyz</c> answers 200, for a node that may not be the one creating account 1.</param>
    /// <param name="executable">A published <c>sluice</c> executable to run instead of <c>dotnet exec</c> on the built <c>sluice.dll</c>.</param>
    /// <param name="arguments">More <c>serve</c> arguments, such as <c>--roles ingest,api</c>.</param>
    public static Task<SluiceProcess> StartAsync(
        string dataDir,
        IDictionary<string, string>? environment = null,
        string? token = null,
        bool waitForToken = true,
        string? executable = null,
        IReadOnlyList<string>? arguments = null) =>
        StartAsync(new Launch(dataDir, FreePort(), environment ?? new Dictionary<string, string>(), token, waitForToken, executable, arguments ?? []));

    /// <summary>
    /// Kills this server if it still runs (SIGKILL) and starts <c>sluice serve</c> again with the same data directory, port,
    /// environment and arguments, so URLs handed out before (webhook URLs) stay valid. This one may already be disposed; the
    /// new process is the caller's to dispose.
    /// </summary>
    public Task<SluiceProcess> RestartAsync()
    {
        if (!disposed)
        {
            Kill();
        }

        return StartAsync(launch);
    }

    private static async Task<SluiceProcess> StartAsync(Launch launch)
    {
        var start = new ProcessStartInfo(launch.Executable ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var launcher = launch.Executable is null ? new[] { "exec", SluiceDll() } : [];
        var serve = new[] { "serve", "--urls", $"http://127.0.0.1:{launch.Port}", "--data-dir", launch.DataDir };
        foreach (var argument in launcher.Concat(serve).Concat(launch.Arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SLUICE_Loading__Interval"] = "00:00:00.2";
        start.Environment["SLUICE_Loading__PollInterval"] = "00:00:00.05";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in launch.Environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var server = new SluiceProcess(process, launch);
        if (launch.Token is not null)
        {
            server.UseToken(launch.Token);
        }

        process.OutputDataReceived += (_, e) => server.Append(e.Data, fromStandardOutput: true);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data, fromStandardOutput: false);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync(launch.WaitForToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Runs the <c>sluice</c> CLI as its own process and returns its exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Out, string Error)> RunCliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(SluiceDll());
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("SLUICE_URL");
        start.Environment.Remove("SLUICE_TOKEN");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false);
        }

        process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return ValueTask.CompletedTask;
        }

        disposed = true;
        Kill();
        process.Dispose();
        Api?.Dispose();
        Anonymous.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilReadyAsync(bool waitForToken)
    {
        await WaitUntilAnswersAsync(waitForToken);

        // Written with admin-token before the server listens, on the start that created the first user.
        var passwordFile = Path.Combine(DataDir, "admin-password");
        if (File.Exists(passwordFile))
        {
            AdminPassword = (await File.ReadAllTextAsync(passwordFile)).Trim();
        }
    }

    private async Task WaitUntilAnswersAsync(bool waitForToken)
    {
        var clock = Stopwatch.StartNew();
        var tokenFile = Path.Combine(DataDir, "admin-token");
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"sluice serve exited with code {process.ExitCode}:\n{Output}");
            }

            if (File.Exists(tokenFile) && Api is null)
            {
                var token = (await File.ReadAllTextAsync(tokenFile)).Trim();
                if (token.Length > 0)
                {
                    UseToken(token);
                }
            }

            if (!waitForToken && Api is null)
            {
                try
                {
                    using var ready = await Anonymous.GetAsync(new Uri(BaseAddress, "readyz"));
                    if (ready.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }

            if (Api is not null)
            {
                try
                {
                    using var response = await Api.GetAsync(new Uri("v4/sources", UriKind.Relative));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"sluice serve did not answer within 60 s:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Account 1's API token, as read from <c>admin-token</c> or given.</summary>
    public string Token { get; private set; } = string.Empty;

    private void UseToken(string token)
    {
        Token = token;
        Api = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private void Append(string? line, bool fromStandardOutput)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
            if (fromStandardOutput)
            {
                standardOutput.AppendLine(line);
            }
        }
    }

    /// <summary>The built <c>sluice.dll</c>: next to the tests when the SDK copied its runtime config, else in the CLI's own output.</summary>
    private static string SluiceDll()
    {
        var here = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(here, "sluice.runtimeconfig.json")))
        {
            return Path.Combine(here, "sluice.dll");
        }

        // test/Sluice.Cli.Tests/bin/<Configuration>/<tfm>/ -> src/Sluice.Cli/bin/<Configuration>/<tfm>/
        var tfm = new DirectoryInfo(here.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!;
        var root = configuration.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", "Sluice.Cli", "bin", configuration.Name, tfm.Name, "sluice.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build src/Sluice.Cli first: {dll} is missing.", dll);
    }

    /// <summary>How the server was started, to start it again the same way.</summary>
    private sealed record Launch(
        string DataDir, int Port, IDictionary<string, string> Environment, string? Token, bool WaitForToken, string? Executable, IReadOnlyList<string> Arguments);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
