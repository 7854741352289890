using System.Text.Json;
using Sluice.Core.Sources;
using Sluice.Server.Hosting;
using Sluice.Storage;

namespace Sluice.Server.Accounts;

/// <summary>Creates an account with its first API token and its embedded DuckDB destination, in one transaction.</summary>
internal static class AccountCreation
{
    public const string EmbeddedDestinationName = "Embedded DuckDB";

    public static async Task<NewAccount> CreateAsync(ControlDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = ControlClock.Now(time);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var account = new Account { CreatedAt = now };
        db.Accounts.Add(account);
        await db.SaveChangesAsync(cancellationToken);

        var token = SecretTokens.NewApiToken();
        db.ApiTokens.Add(new ApiToken
        {
            AccountId = account.Id,
            Name = "initial",
            TokenHash = SecretTokens.Hash(token),
            Hint = SecretTokens.Hint(token),
            CreatedAt = now,
        });
        db.Destinations.Add(EmbeddedDestination(account.Id, now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new NewAccount(account.Id, token);
    }

    /// <summary>The account's embedded DuckDB destination, <c>warehouse/&lt;client_id&gt;.duckdb</c>.</summary>
    public static Destination EmbeddedDestination(long clientId, DateTime now) => new()
    {
        AccountId = clientId,
        Type = Destination.DuckDbType,
        Name = EmbeddedDestinationName,
        ConnectionJson = JsonSerializer.Serialize(new Dictionary<string, string> { ["path"] = $"{DataDirectory.WarehouseFolder}/{DataDirectory.DuckDbFile(clientId)}" }),
        CreatedAt = now,
        UpdatedAt = now,
    };
}
