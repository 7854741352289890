using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sluice.Destinations.Postgres;
using Sluice.Server.Accounts;
using Sluice.Storage;

namespace Sluice.Server.Destinations;

/// <summary>
/// Sets an account's one destination. Every account starts on its embedded DuckDB file; adding PostgreSQL replaces it
/// (the file stays on disk), deleting PostgreSQL goes back to a fresh embedded destination. Connections are tested before
/// they are saved, so a typo is reported at once with the server's exact error. Pending records stay in the buffer and
/// load into whatever destination is current.
/// </summary>
public sealed class DestinationService(
    IDbContextFactory<ControlDbContext> contexts,
    DestinationSettings settings,
    IDestinationProvider destinations,
    TimeProvider time)
{
    public const string TypeRequired = "Field 'type' is required and must be \"postgres\" (the embedded DuckDB destination exists already).";

    public async Task<ControlPlaneResult<Destination>> CreatePostgresAsync(long clientId, string? name, JsonElement connection, CancellationToken cancellationToken)
    {
        var (input, error) = PostgresConnectionInput.Read(connection, null);
        if (input is null)
        {
            return ControlPlaneError.BadRequest(error!);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var current = await db.Destinations.Where(d => d.AccountId == clientId).ToListAsync(cancellationToken);
        if (current.Any(d => d.Type == Destination.PostgresType))
        {
            return ControlPlaneError.BadRequest(
                "An account can have at most one destination: change it with PUT /v4/destinations/{id}, or delete it first.");
        }

        if (await CheckUsableAsync(input, clientId, cancellationToken) is { } refused)
        {
            return refused;
        }

        var now = ControlClock.Now(time);
        db.Destinations.RemoveRange(current);
        var destination = new Destination
        {
            AccountId = clientId,
            Type = Destination.PostgresType,
            Name = string.IsNullOrWhiteSpace(name) ? "PostgreSQL" : name.Trim(),
            ConnectionJson = settings.ToStoredJson(input),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Destinations.Add(destination);
        await db.SaveChangesAsync(cancellationToken);
        await destinations.InvalidateAsync(clientId);
        return destination;
    }

    public async Task<ControlPlaneResult<Destination>> UpdateAsync(long clientId, long destinationId, string? name, JsonElement? connection, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var destination = await db.Destinations.FirstOrDefaultAsync(d => d.Id == destinationId && d.AccountId == clientId, cancellationToken);
        if (destination is null)
        {
            return ControlPlaneError.NotFound($"Destination {destinationId} was not found.");
        }

        if (connection is not null)
        {
            if (destination.Type != Destination.PostgresType)
            {
                return ControlPlaneError.BadRequest("The embedded DuckDB destination has no connection settings to change; add PostgreSQL with POST /v4/destinations.");
            }

            var (input, error) = PostgresConnectionInput.Read(connection.Value, settings.FromStoredJson(destination.ConnectionJson));
            if (input is null)
            {
                return ControlPlaneError.BadRequest(error!);
            }

            if (await CheckUsableAsync(input, clientId, cancellationToken) is { } refused)
            {
                return refused;
            }

            destination.ConnectionJson = settings.ToStoredJson(input);
        }

        if (!string.IsNullOrWhiteSpace(name))
        {
            destination.Name = name.Trim();
        }

        destination.UpdatedAt = ControlClock.Now(time);
        await db.SaveChangesAsync(cancellationToken);
        await destinations.InvalidateAsync(clientId);
        return destination;
    }

    /// <summary>
    /// Null when the database answers and becomes (or already is) this account's (<see cref="PostgresDestination.ClaimAsync"/>);
    /// else why it cannot be used: the connection failed, another account's destination is that database, or the claim
    /// cannot be written.
    /// </summary>
    private static async Task<ControlPlaneError?> CheckUsableAsync(PostgresConnectionSettings input, long clientId, CancellationToken cancellationToken)
    {
        var test = await PostgresDestination.TestConnectionAsync(input, cancellationToken);
        if (!test.Succeeded)
        {
            return ControlPlaneError.BadRequest($"Could not use this PostgreSQL destination: {test.Message}");
        }

        long owner;
        try
        {
            owner = await PostgresDestination.ClaimAsync(input, clientId, cancellationToken);
        }
        catch (Sluice.Core.Loading.DestinationException error)
        {
            return ControlPlaneError.BadRequest($"Could not use this PostgreSQL destination: {error.Message}");
        }

        return owner == clientId
            ? null
            : ControlPlaneError.BadRequest(
                $"Could not use this PostgreSQL destination: {PostgresDestination.ClaimedByAnother(input)}. " +
                "Each account loads into a database of its own: create another database for this one.");
    }

    /// <summary>Deletes the PostgreSQL destination; the account goes back to a new embedded DuckDB destination.</summary>
    public async Task<ControlPlaneResult<Destination>> DeleteAsync(long clientId, long destinationId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var destination = await db.Destinations.FirstOrDefaultAsync(d => d.Id == destinationId && d.AccountId == clientId, cancellationToken);
        if (destination is null)
        {
            return ControlPlaneError.NotFound($"Destination {destinationId} was not found.");
        }

        if (destination.Type != Destination.PostgresType)
        {
            return ControlPlaneError.BadRequest("The embedded DuckDB destination cannot be deleted; it is where data goes when no other destination is set.");
        }

        var now = ControlClock.Now(time);

        // Its post-load hooks go with it (BEHAVIOUR.md §6.1); their deliveries follow by cascade.
        db.Hooks.RemoveRange(await db.Hooks.Where(h => h.DestinationId == destinationId).ToListAsync(cancellationToken));
        db.Destinations.Remove(destination);
        db.Destinations.Add(AccountCreation.EmbeddedDestination(clientId, now));
        await db.SaveChangesAsync(cancellationToken);
        await destinations.InvalidateAsync(clientId);
        return destination;
    }
}
