using Sluice.Destinations.Postgres;
using Sluice.Testing;

namespace Sluice.Bench;

/// <summary>
/// A real PostgreSQL 15 for one benchmark process: test/Sluice.Testing's <see cref="PostgresServer"/> (initdb as user
/// <c>postgres</c> into a temp directory, 127.0.0.1 on a free port, stopped by PID on dispose), with PostgreSQL's durability
/// defaults (fsync on, synchronous_commit on), as a user's server would have them. With env <c>SLUICE_BENCH_PG</c> (a superuser
/// connection string) that server is used instead.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    public const string EnvironmentVariable = "SLUICE_BENCH_PG";

    private readonly PostgresServer _server;

    private LocalPostgres(PostgresServer server) => _server = server;

    public string Host => _server.Host;

    public int Port => _server.Port;

    public string Password => _server.Password;

    public string Username => _server.Username;

    public static async Task<LocalPostgres> StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new LocalPostgres(await PostgresServer.StartAsync(durable: true, EnvironmentVariable));
    }

    public string ConnectionString(string database) => _server.ConnectionString(database);

    /// <summary>A fresh, empty database; returns settings a <see cref="PostgresDestination"/> takes.</summary>
    public async Task<PostgresConnectionSettings> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var name = await _server.CreateDatabaseAsync(prefix);
        return new PostgresConnectionSettings(Host, Port, Username, Password, name, "disable");
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();
}
