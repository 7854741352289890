using System.Globalization;
using Npgsql;
using Sluice.Core.Loading;
using static Sluice.Core.Loading.LoadSql;

namespace Sluice.Destinations.Postgres;

/// <summary>The session: a pooled connection per call, its errors classified, the bookkeeping tables made once, and the destination's claim by one Sluice account.</summary>
public sealed partial class PostgresDestination
{
    /// <summary>Connects and runs a trivial query; the outcome carries the exact, classified error when it fails.</summary>
    public static async Task<ConnectionTestResult> TestConnectionAsync(PostgresConnectionSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(settings.ConnectionString(pooling: false));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT version()", connection);
            var version = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return new ConnectionTestResult(true, $"Connected to {settings.Where}: {version}", null);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var classified = PostgresErrors.Classify(error, settings);
            return new ConnectionTestResult(false, classified.Message, classified.Kind);
        }
    }

    /// <summary>
    /// What a refused claim says, for whoever tries to use the database (saving it, or the loader): which database, and why;
    /// not which account owns it, which is none of the caller's business.
    /// </summary>
    public static string ClaimedByAnother(PostgresConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return $"database \"{settings.Database}\" at {settings.Host}:{settings.Port} is another Sluice account's destination " +
            "(its _sluice._sluice_owner table says so)";
    }

    /// <summary>
    /// Claims the database for account <paramref name="clientId"/> in <c>_sluice._sluice_owner</c> unless another account
    /// claimed it first, so that two accounts never load into (and read each other's tables and loads in) one database.
    /// Returns the owning account: <paramref name="clientId"/> when the claim is (or was already) its own. A database that
    /// refuses the claim (e.g. no right to create the <c>_sluice</c> schema) throws the classified <see cref="DestinationException"/>.
    /// </summary>
    public static async Task<long> ClaimAsync(PostgresConnectionSettings settings, long clientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var owner = Table(BookkeepingSchema, OwnerTable);
        try
        {
            return await WriteClaimAsync(settings, clientId, owner, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not (OperationCanceledException or DestinationException))
        {
            throw PostgresErrors.Classify(error, settings);
        }
    }

    private static async Task<long> WriteClaimAsync(PostgresConnectionSettings settings, long clientId, string owner, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(settings.ConnectionString(pooling: false));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"CREATE SCHEMA IF NOT EXISTS {Quote(BookkeepingSchema)}; " +
            $"CREATE TABLE IF NOT EXISTS {owner} (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), client_id bigint NOT NULL, " +
            "claimed_at timestamptz NOT NULL DEFAULT now()); " +
            string.Create(CultureInfo.InvariantCulture, $"INSERT INTO {owner} (client_id) VALUES ({clientId}) ON CONFLICT (only_row) DO NOTHING; ") +
            $"SELECT client_id FROM {owner}",
            connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await EnsureBookkeepingAsync(connection, cancellationToken).ConfigureAwait(false);
            return await work(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException and not DestinationException)
        {
            throw Classify(error);
        }
    }

    private DestinationException Classify(Exception error)
    {
        var classified = PostgresErrors.Classify(error, _settings);
        if (classified.Kind == DestinationErrorKind.Unreachable)
        {
            // Pooled connections of a server that went away are dead; the next attempt should dial afresh.
            _dataSource.Clear();
        }

        return classified;
    }

    /// <summary>Creates <c>_sluice</c> and its tables once per process; checks first, so a user without CREATE rights can load once they exist.</summary>
    private async Task EnsureBookkeepingAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (_bookkeepingReady)
        {
            return;
        }

        await _bookkeepingGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_bookkeepingReady)
            {
                return;
            }

            await using (var check = new NpgsqlCommand(
                $"SELECT to_regclass('{Table(BookkeepingSchema, CheckpointsTable)}') IS NOT NULL AND to_regclass('{Table(BookkeepingSchema, LoadsTable)}') IS NOT NULL " +
                $"AND to_regclass('{Table(BookkeepingSchema, VersionsTable)}') IS NOT NULL",
                connection))
            {
                if (await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                {
                    _bookkeepingReady = true;
                    return;
                }
            }

            await using var create = new NpgsqlCommand(
                $"CREATE SCHEMA IF NOT EXISTS {Quote(BookkeepingSchema)}; " +
                $"CREATE TABLE IF NOT EXISTS {Table(BookkeepingSchema, CheckpointsTable)} (source_id bigint PRIMARY KEY, sequence bigint NOT NULL); " +
                $"CREATE TABLE IF NOT EXISTS {Table(BookkeepingSchema, LoadsTable)} (load_id uuid PRIMARY KEY, source_id bigint NOT NULL, " +
                "\"schema\" text NOT NULL, batched_at timestamp NOT NULL, min_sequence bigint NOT NULL, max_sequence bigint NOT NULL, " +
                "max_received_at timestamp NOT NULL, tables jsonb NOT NULL); " +
                $"CREATE INDEX IF NOT EXISTS \"_sluice_loads_batched_at\" ON {Table(BookkeepingSchema, LoadsTable)} (batched_at); " +
                CreateVersionsTable(),
                connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _bookkeepingReady = true;
        }
        finally
        {
            _bookkeepingGate.Release();
        }
    }
}
