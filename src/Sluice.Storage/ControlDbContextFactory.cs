using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Sluice.Storage;

/// <summary>
/// The one place that turns <see cref="ControlPlaneOptions"/> into a provider. Everything else asks this factory for a
/// <see cref="ControlDbContext"/> and never learns which database is behind it.
/// </summary>
public sealed class ControlDbContextFactory : IDbContextFactory<ControlDbContext>
{
    private readonly Func<ControlDbContext> create;

    /// <param name="options">Provider and connection string.</param>
    /// <param name="defaultSqlitePath">The SQLite file used when no connection string is configured.</param>
    public ControlDbContextFactory(ControlPlaneOptions options, string defaultSqlitePath)
    {
        ArgumentNullException.ThrowIfNull(options);
        Provider = (options.Provider ?? ControlPlaneOptions.Sqlite).Trim().ToLowerInvariant();
        switch (Provider)
        {
            case ControlPlaneOptions.Sqlite:
            {
                var connectionString = string.IsNullOrWhiteSpace(options.ConnectionString)
                    ? SqliteConnectionString(defaultSqlitePath)
                    : options.ConnectionString;
                var built = new DbContextOptionsBuilder<SqliteControlDbContext>().UseSqlite(connectionString).AddInterceptors(new SqliteBusyTimeout()).Options;
                create = () => new SqliteControlDbContext(built);
                break;
            }

            case ControlPlaneOptions.Postgres:
            {
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new InvalidOperationException(
                        "ControlPlane:ConnectionString is required when ControlPlane:Provider is 'postgres' (e.g. Host=db;Database=sluice;Username=sluice;Password=...).");
                }

                var built = new DbContextOptionsBuilder<PostgresControlDbContext>().UseNpgsql(options.ConnectionString).Options;
                create = () => new PostgresControlDbContext(built);
                break;
            }

            default:
                throw new InvalidOperationException(
                    $"ControlPlane:Provider '{options.Provider}' is not supported; use 'sqlite' or 'postgres'.");
        }
    }

    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    public string Provider { get; }

    public ControlDbContext CreateDbContext() => create();

    /// <summary>Applies pending migrations. On SQLite also switches to WAL so the CLI can write while the server runs.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = CreateDbContext();
        if (Provider == ControlPlaneOptions.Sqlite)
        {
            var path = db.Database.GetDbConnection().DataSource;
            if (!string.IsNullOrEmpty(path) && Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
            {
                Directory.CreateDirectory(directory);
            }

            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);
    }

    public static string SqliteConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        ForeignKeys = true,
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();
}
