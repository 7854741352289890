using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Npgsql;
using Sluice.Destinations.Postgres;

namespace Sluice.Bench;

/// <summary>
/// A real PostgreSQL 15 for one benchmark process (the logic of test/Sluice.Testing/PostgresServer.cs, without xunit):
/// initdb as user <c>postgres</c> into a temp directory, listen on 127.0.0.1 on a free port, stop by PID on dispose.
/// Durability settings stay at PostgreSQL's defaults (fsync on, synchronous_commit on), as a user's server would have them.
/// With env <c>SLUICE_BENCH_PG</c> (a superuser connection string) that server is used instead.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private string? _directory;
    private int _pid;

    private LocalPostgres(string host, int port, string password)
    {
        Host = host;
        Port = port;
        Password = password;
    }

    public string Host { get; }

    public int Port { get; }

    public string Password { get; }

    public string Username { get; private init; } = "postgres";

    public static async Task<LocalPostgres> StartAsync(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("SLUICE_BENCH_PG") is { Length: > 0 } given)
        {
            var b = new NpgsqlConnectionStringBuilder(given);
            return new LocalPostgres(b.Host ?? "127.0.0.1", b.Port, b.Password ?? string.Empty) { Username = b.Username ?? "postgres" };
        }

        var directory = Path.Combine(Path.GetTempPath(), "sluice-bench-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var data = Path.Combine(directory, "data");
        var socket = Path.Combine(directory, "socket");
        Directory.CreateDirectory(socket);
        var password = Guid.NewGuid().ToString("N");
        var passwordFile = Path.Combine(directory, "password");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        await RunAsync(cancellationToken, "chown", "-R", "postgres:postgres", directory);
        await RunAsync(
            cancellationToken, "runuser", "-u", "postgres", "--", Path.Combine(BinDirectory, "initdb"), "-D", data, "-U", "postgres",
            "--pwfile=" + passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync");
        var port = FreePort();
        var options = string.Create(CultureInfo.InvariantCulture, $"-c listen_addresses=127.0.0.1 -p {port} -k {socket}");
        await RunAsync(
            cancellationToken, "runuser", "-u", "postgres", "--", Path.Combine(BinDirectory, "pg_ctl"), "-D", data, "-l",
            Path.Combine(directory, "server.log"), "-w", "-t", "60", "-o", options, "start");
        var pid = int.Parse((await File.ReadAllLinesAsync(Path.Combine(data, "postmaster.pid"), cancellationToken))[0], CultureInfo.InvariantCulture);
        var server = new LocalPostgres("127.0.0.1", port, password) { _directory = directory, _pid = pid };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = Username,
        Password = Password,
        Database = database,
        Pooling = false,
    }.ConnectionString;

    /// <summary>A fresh, empty database; returns settings a <see cref="PostgresDestination"/> takes.</summary>
    public async Task<PostgresConnectionSettings> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken)
    {
        var name = prefix + "_" + Guid.NewGuid().ToString("N")[..8];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new PostgresConnectionSettings(Host, Port, Username, Password, name, "disable");
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        if (_pid == 0)
        {
            return;
        }

        var pid = _pid;
        _pid = 0;
        _ = Kill(pid, 2); // SIGINT: PostgreSQL's fast shutdown
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        if (Directory.Exists($"/proc/{pid}"))
        {
            _ = Kill(pid, 9);
        }

        try
        {
            Directory.Delete(_directory!, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(CancellationToken cancellationToken, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {await error}{await output}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
