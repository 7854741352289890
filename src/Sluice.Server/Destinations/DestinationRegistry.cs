using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Sluice.Core.Loading;
using Sluice.Destinations.DuckDb;
using Sluice.Destinations.Postgres;
using Sluice.Server.Hosting;
using Sluice.Server.Loading;
using Sluice.Storage;

namespace Sluice.Server.Destinations;

/// <summary>
/// Opens each account's destination once and shares it (the DuckDB file allows one writer per process): the account's
/// PostgreSQL database when it has one, else <c>warehouse/&lt;client_id&gt;.duckdb</c>.
/// </summary>
public sealed class DestinationRegistry(
    IDbContextFactory<ControlDbContext> contexts,
    DataDirectory dataDirectory,
    DestinationSettings settings,
    Microsoft.Extensions.Options.IOptions<Buffering.BufferOptions> buffer,
    Microsoft.Extensions.Options.IOptions<LoadingOptions> loading) : IDestinationProvider, IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, Lazy<Task<IDestination>>> _open = new();

    public async ValueTask<IDestination> GetAsync(long clientId, CancellationToken cancellationToken)
    {
        var lazy = _open.GetOrAdd(clientId, id => new Lazy<Task<IDestination>>(() => OpenAsync(id)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            _open.TryRemove(KeyValuePair.Create(clientId, lazy));
            throw;
        }
    }

    public async ValueTask InvalidateAsync(long clientId)
    {
        if (_open.TryRemove(clientId, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
        {
            await (await lazy.Value).DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var clientId in _open.Keys)
        {
            await InvalidateAsync(clientId);
        }
    }

    private async Task<IDestination> OpenAsync(long clientId)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var row = await db.Destinations.AsNoTracking()
            .Where(d => d.AccountId == clientId)
            .OrderByDescending(d => d.Id)
            .FirstOrDefaultAsync();
        if (row?.Type == Destination.PostgresType)
        {
            // Saving a destination claims its database; this claims one saved before the claim existed (and checks it is
            // still this account's), so no two accounts ever load into and read one database.
            var connection = settings.FromStoredJson(row.ConnectionJson);
            var owner = await PostgresDestination.ClaimAsync(connection, clientId, CancellationToken.None);
            if (owner != clientId)
            {
                throw new InvalidOperationException(
                    $"The {PostgresDestination.ClaimedByAnother(connection)}: nothing is loaded into it for account {clientId}. " +
                    "Give this account a database of its own (sluice destinations set-postgres); the records wait in the buffer until then.");
            }

            return new PostgresDestination(connection);
        }

        if (buffer.Value.IsNats)
        {
            // Several nodes load, and any of them may load any source: a file on one node's disk cannot be their destination.
            throw new InvalidOperationException(
                $"Account {clientId} has no PostgreSQL destination. This deployment runs several nodes on a NATS JetStream buffer " +
                "(Buffer:Provider=nats), where DuckDB files (one node's disk) cannot be loaded into: set a PostgreSQL destination " +
                "(sluice destinations set-postgres, or POST /v4/destinations with type postgres). The records wait in the buffer until then.");
        }

        return new DuckDbDestination(dataDirectory.DuckDbPath(clientId), new DuckDbDestinationOptions { MemoryLimit = loading.Value.DuckDbMemoryLimit });
    }
}
