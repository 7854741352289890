using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Npgsql;
using Xunit;

namespace Sluice.Testing;

/// <summary>
/// A real PostgreSQL 15 server for a test run. With env <c>SLUICE_TEST_PG</c> (a connection string of a superuser) that server
/// is used; otherwise <c>initdb</c> runs (as user <c>postgres</c>) into a temp directory and <c>postgres</c> listens on
/// 127.0.0.1 on a free port with its socket in that directory, and is stopped by PID on dispose. Missing binaries FAIL the
/// tests (never skip). Share one per test assembly through an xunit collection fixture; give each test class its own database
/// with <see cref="CreateDatabaseAsync"/>. The benchmarks start theirs with <see cref="StartAsync(bool, string)"/>: durable, and
/// their own variable.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "SLUICE_TEST_PG";
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private readonly bool _durable;
    private readonly string _environmentVariable;
    private string? _directory;
    private int _pid;

    /// <summary>A server for tests: fsync, synchronous commit and full-page writes off (nothing here outlives the run).</summary>
    public PostgresServer()
        : this(durable: false, EnvironmentVariable)
    {
    }

    private PostgresServer(bool durable, string environmentVariable)
    {
        _durable = durable;
        _environmentVariable = environmentVariable;
    }

    public string Host { get; private set; } = "127.0.0.1";

    public int Port { get; private set; }

    public string Username { get; private set; } = "postgres";

    public string Password { get; private set; } = string.Empty;

    /// <summary>True when this fixture started the server itself (not <c>SLUICE_TEST_PG</c>).</summary>
    public bool IsLocal => _directory is not null;

    public static Task<PostgresServer> StartAsync() => StartAsync(durable: false, EnvironmentVariable);

    /// <summary>
    /// Starts a server; <paramref name="durable"/> keeps PostgreSQL's durability defaults (fsync and synchronous commit on), as a
    /// user's server has them, for measurements. <paramref name="environmentVariable"/> names the variable whose connection string,
    /// when set, is used instead.
    /// </summary>
    public static async Task<PostgresServer> StartAsync(bool durable, string environmentVariable)
    {
        var server = new PostgresServer(durable, environmentVariable);
        await server.InitializeAsync();
        return server;
    }

    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = Username,
        Password = Password,
        Database = database,
        Pooling = false,
    }.ConnectionString;

    /// <summary>Creates an empty database with a fresh name and returns the name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "sluice_test")
    {
        var name = prefix + "_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        return name;
    }

    /// <summary>Runs <paramref name="sql"/> as the superuser on <paramref name="database"/>.</summary>
    public async Task ExecuteAsync(string sql, string database = "postgres")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(_environmentVariable) is { Length: > 0 } given)
        {
            var builder = new NpgsqlConnectionStringBuilder(given);
            Host = builder.Host ?? "127.0.0.1";
            Port = builder.Port;
            Username = builder.Username ?? "postgres";
            Password = builder.Password ?? string.Empty;
            await ExecuteAsync("SELECT 1");
            return;
        }

        if (!File.Exists(Path.Combine(BinDirectory, "initdb")) || !File.Exists(Path.Combine(BinDirectory, "pg_ctl")))
        {
            throw new InvalidOperationException(
                $"PostgreSQL 15 binaries are missing from {BinDirectory}; install postgresql-15 or set {_environmentVariable} to a superuser connection string.");
        }

        _directory = Path.Combine(Path.GetTempPath(), "sluice-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var data = Path.Combine(_directory, "data");
        var socket = Path.Combine(_directory, "socket");
        Directory.CreateDirectory(socket);
        Password = Guid.NewGuid().ToString("N");
        var passwordFile = Path.Combine(_directory, "password");
        await File.WriteAllTextAsync(passwordFile, Password);
        await RunAsync("chown", "-R", "postgres:postgres", _directory);
        await RunAsync(
            "runuser", "-u", "postgres", "--", Path.Combine(BinDirectory, "initdb"), "-D", data, "-U", "postgres", "--pwfile=" + passwordFile,
            "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync");
        Port = FreePort();
        await StartServerAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
    }

    /// <summary>
    /// Stops the server (a fast shutdown: sessions end, as when an operator stops it) but keeps its data;
    /// <see cref="StartServerAsync"/> starts it again on the same data and port. Only for a server this fixture started.
    /// </summary>
    public async Task StopServerAsync()
    {
        var directory = _directory ?? throw new InvalidOperationException($"The server of {_environmentVariable} is not this fixture's to stop.");
        await RunAsync("runuser", "-u", "postgres", "--", Path.Combine(BinDirectory, "pg_ctl"), "-D", Path.Combine(directory, "data"), "-m", "fast", "-w", "stop");
        _pid = 0;
    }

    /// <summary>Starts the server on its data directory and port (at first start, and after <see cref="StopServerAsync"/>).</summary>
    public async Task StartServerAsync()
    {
        var directory = _directory ?? throw new InvalidOperationException($"The server of {_environmentVariable} is not this fixture's to start.");
        var data = Path.Combine(directory, "data");
        var options = string.Create(CultureInfo.InvariantCulture, $"-c listen_addresses=127.0.0.1 -p {Port} -k {Path.Combine(directory, "socket")}")
            + (_durable ? string.Empty : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
        await RunAsync(
            "runuser", "-u", "postgres", "--", Path.Combine(BinDirectory, "pg_ctl"), "-D", data, "-l", Path.Combine(directory, "server.log"),
            "-w", "-t", "60", "-o", options, "start");
        var pidLine = (await File.ReadAllLinesAsync(Path.Combine(data, "postmaster.pid")))[0];
        _pid = int.Parse(pidLine, CultureInfo.InvariantCulture);
    }

    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    private void Stop()
    {
        if (_pid == 0)
        {
            TryDeleteDirectory();
            return;
        }

        var pid = _pid;
        _pid = 0;
        _ = Kill(pid, SignalInterrupt); // fast shutdown: ends sessions, stops cleanly
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        if (Directory.Exists($"/proc/{pid}"))
        {
            _ = Kill(pid, SignalKill);
        }

        TryDeleteDirectory();
    }

    private void TryDeleteDirectory()
    {
        if (_directory is null || !Directory.Exists(_directory))
        {
            return;
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
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

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {await error}{await output}");
        }
    }

    private const int SignalInterrupt = 2;
    private const int SignalKill = 9;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
