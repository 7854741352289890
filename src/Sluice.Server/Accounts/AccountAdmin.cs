using Sluice.Storage;

namespace Sluice.Server.Accounts;

/// <summary>
/// Operator path behind <c>sluice accounts create</c>: works on the data directory's control.db directly, also
/// while a server runs on it (SQLite in WAL mode; writers wait for each other).
/// </summary>
public static class AccountAdmin
{
    public static async Task<NewAccount> CreateAccountAsync(string dataDir, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDir);
        var root = Path.GetFullPath(dataDir);
        Directory.CreateDirectory(root);
        var factory = new ControlDbContextFactory(new ControlPlaneOptions(), Path.Combine(root, "control.db"));
        await factory.MigrateAsync(cancellationToken);
        await using var db = factory.CreateDbContext();
        return await AccountCreation.CreateAsync(db, TimeProvider.System, cancellationToken);
    }
}
