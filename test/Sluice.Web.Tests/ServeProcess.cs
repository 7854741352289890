using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sluice.Web.Tests;

/// <summary>
/// <c>sluice serve</c> as a child process on a free loopback port with a data directory of its own, as a user starts it.
/// Dispose kills it by its own PID and deletes the data directory.
/// </summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ServeProcess(Process process, Uri baseAddress, string dataDir)
    {
        this.process = process;
        BaseAddress = baseAddress;
        DataDir = dataDir;
    }

    public Uri BaseAddress { get; }

    public string DataDir { get; }

    /// <summary>The first user's password, read from <c>admin-password</c> as a newcomer would.</summary>
    public string AdminPassword { get; private set; } = string.Empty;

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

    public static async Task<ServeProcess> StartAsync(IDictionary<string, string>? environment = null)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "sluice-web-" + Guid.NewGuid().ToString("N"));
        var port = FreePort();
        var sluiceDll = Path.Combine(AppContext.BaseDirectory, "sluice.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "exec", sluiceDll, "serve", "--urls", $"http://127.0.0.1:{port}", "--data-dir", dataDir })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SLUICE_Loading__Interval"] = "00:00:00.2";
        start.Environment["SLUICE_Loading__PollInterval"] = "00:00:00.05";
        start.Environment["SLUICE_Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var server = new ServeProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet."), new Uri($"http://127.0.0.1:{port}/"), dataDir);
        server.process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server.process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false);
        }

        process.WaitForExit();
        process.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Sluice.Testing.SluiceServer.TryDelete(DataDir);
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        var passwordFile = Path.Combine(DataDir, "admin-password");
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"sluice serve exited with code {process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("readyz", UriKind.Relative));
                if (response.IsSuccessStatusCode && File.Exists(passwordFile))
                {
                    AdminPassword = (await File.ReadAllTextAsync(passwordFile)).Trim();
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            // Waiting for another process to start listening, not for time to pass.
            await Task.Delay(100);
        }

        throw new TimeoutException($"sluice serve was not ready within 60 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
