using Sluice.Server.Hosting;
using Sluice.Storage;

namespace Sluice.Server.Accounts;

/// <summary>
/// Operator path behind <c>sluice accounts create</c>: works on the data directory's control.db directly, also
/// while a server runs on it (SQLite in WAL mode; writers wait for each other). When it makes account 1 of a fresh
/// data directory, it also writes <c>admin-token</c> (0600), as the first <c>sluice serve</c> would have.
/// </summary>
public static class AccountAdmin
{
    public static Task<NewAccount> CreateAccountAsync(string dataDir, CancellationToken cancellationToken) =>
        CreateAccountAsync(dataDir, new ControlPlaneOptions(), cancellationToken);

    /// <summary>Same, on the control plane <paramref name="controlPlane"/> names (e.g. PostgreSQL for a scaled-out install).</summary>
    public static async Task<NewAccount> CreateAccountAsync(string dataDir, ControlPlaneOptions controlPlane, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDir);
        ArgumentNullException.ThrowIfNull(controlPlane);
        var root = Path.GetFullPath(dataDir);
        Directory.CreateDirectory(root);
        var factory = new ControlDbContextFactory(controlPlane, Path.Combine(root, DataDirectory.ControlDbFile));
        await factory.MigrateAsync(cancellationToken);
        await using var db = factory.CreateDbContext();
        var account = await AccountCreation.CreateAsync(db, TimeProvider.System, cancellationToken);

        // Created before the first `sluice serve`: keep the promise that the CLI on this machine needs no flags.
        var adminToken = Path.Combine(root, DataDirectory.AdminTokenFile);
        if (account.ClientId == 1 && !File.Exists(adminToken))
        {
            await PrivateFile.WriteAsync(adminToken, account.ApiToken + "\n", cancellationToken);
        }

        return account;
    }
}
