using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace Sluice.Testing;

/// <summary>
/// A real SMTP server for tests: Debian's python3-aiosmtpd (<c>/usr/bin/python3 -m aiosmtpd</c>) on a free loopback port,
/// storing every message in a Maildir that <see cref="WaitForMessagesAsync"/> reads. No TLS, no login
/// (<c>Smtp:UseTls=false</c>). Dispose stops it by its own PID and deletes the Maildir.
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SmtpServer(Process process, int port, string maildir)
    {
        _process = process;
        Port = port;
        Maildir = maildir;
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public string Maildir { get; }

    /// <summary>The configuration keys that send Sluice's email here, from <paramref name="from"/>.</summary>
    public Dictionary<string, string?> Settings(string from = "sluice@example.com") => new()
    {
        ["Smtp:Host"] = Host,
        ["Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:UseTls"] = "false",
        ["Smtp:From"] = from,
    };

    public static async Task<SmtpServer> StartAsync()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python))
        {
            throw new InvalidOperationException($"{python} is missing: install Debian's python3-aiosmtpd (scripts/test.sh does).");
        }

        var port = FreePort();
        var maildir = Path.Combine(Path.GetTempPath(), "sluice-smtp-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", maildir })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start python3 -m aiosmtpd.");
        var server = new SmtpServer(process, port, maildir);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"aiosmtpd exited with code {process.ExitCode} (is python3-aiosmtpd installed?):\n{server.Output}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                await server.DisposeAsync();
                throw new TimeoutException($"aiosmtpd did not listen on port {port} within 20 s:\n{server.Output}");
            }
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The messages received so far, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var inbox = Path.Combine(Maildir, "new");
        if (!Directory.Exists(inbox))
        {
            return [];
        }

        return Directory.GetFiles(inbox)
            .Select(f => new FileInfo(f))
            .OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => MimeMessage.Load(f.FullName))
            .ToList();
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForMessagesAsync(int count, TimeSpan? timeout = null)
    {
        return await Eventually.ValueAsync(
            () => Task.FromResult(Messages()),
            messages => messages.Count >= count,
            $"the SMTP server got {count} message(s)",
            timeout ?? TimeSpan.FromSeconds(20),
            messages => $"{messages.Count} message(s). Its output:\n{Output}",
            every: TimeSpan.FromMilliseconds(50));
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        SluiceServer.TryDelete(Maildir);
        return ValueTask.CompletedTask;
    }
}
