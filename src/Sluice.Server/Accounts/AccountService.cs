using Microsoft.EntityFrameworkCore;
using Sluice.Storage;

namespace Sluice.Server.Accounts;

/// <summary>Accounts and their destinations, through whatever control-plane provider is configured.</summary>
public sealed class AccountService(IDbContextFactory<ControlDbContext> contexts, TimeProvider time)
{
    /// <summary>A new account with its first API token (shown once) and its embedded DuckDB destination.</summary>
    public async Task<NewAccount> CreateAccountAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await AccountCreation.CreateAsync(db, time, cancellationToken);
    }

    /// <summary>The account's destinations, oldest first.</summary>
    public async Task<IReadOnlyList<Destination>> ListDestinationsAsync(long clientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Destinations.AsNoTracking().Where(d => d.AccountId == clientId).OrderBy(d => d.Id).ToListAsync(cancellationToken);
    }

    public async Task<ControlPlaneResult<Destination>> GetDestinationAsync(long clientId, long destinationId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var destination = await db.Destinations.AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == destinationId && d.AccountId == clientId, cancellationToken);
        return destination is null ? ControlPlaneError.NotFound($"Destination {destinationId} was not found.") : destination;
    }
}
