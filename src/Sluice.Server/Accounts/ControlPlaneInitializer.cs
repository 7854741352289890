using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Sluice.Server.Hosting;
using Sluice.Storage;

namespace Sluice.Server.Accounts;

/// <summary>
/// Start-up of the control plane: migrate before anything else starts; on the very first start create account 1
/// and write its token to <c>admin-token</c> (0600); when there is no user yet, create the web app's first user and
/// write its password to <c>admin-password</c> (0600); once Kestrel has bound, write <c>server-url</c> and print
/// the base URL (and, on the first start, the token, once).
/// </summary>
internal sealed class ControlPlaneInitializer(
    ControlDbContextFactory contexts,
    DataDirectory dataDirectory,
    TimeProvider time,
    UserService users,
    IServiceProvider services,
    IConfiguration configuration,
    ILogger<ControlPlaneInitializer> logger) : IHostedLifecycleService
{
    /// <summary>
    /// The first start of a deployment of several nodes on a control plane whose key ring is empty: the keys this node
    /// kept in <c>&lt;data-dir&gt;/keys</c> as a single node go into the control plane, so what they encrypted (destination
    /// passwords, signing secrets) stays readable.
    /// </summary>
    private async Task ImportKeysAsync(ControlDbContext db, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(dataDirectory.KeysPath) || await db.DataProtectionKeys.AnyAsync(cancellationToken))
        {
            return;
        }

        var files = Directory.GetFiles(dataDirectory.KeysPath, "*.xml");
        foreach (var file in files)
        {
            db.DataProtectionKeys.Add(new Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey
            {
                FriendlyName = Path.GetFileNameWithoutExtension(file),
                Xml = await File.ReadAllTextAsync(file, cancellationToken),
            });
        }

        if (files.Length > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            ControlPlaneLog.KeysImported(logger, files.Length, dataDirectory.KeysPath);
        }
    }

    private NewAccount? bootstrapped;
    private NewUser? firstUser;

    public string ServerUrlPath => Path.Combine(dataDirectory.Root, DataDirectory.ServerUrlFile);

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        // Nodes sharing a PostgreSQL control plane may start at the same moment: one at a time migrates it and creates
        // account 1 and the first user (a session lock, released below or when the connection ends).
        await using var bootstrapLock = contexts.CreateDbContext();
        try
        {
            if (contexts.Provider == ControlPlaneOptions.Postgres)
            {
                await bootstrapLock.Database.OpenConnectionAsync(cancellationToken);
                await bootstrapLock.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({BootstrapLockKey})", cancellationToken);
            }

            await contexts.MigrateAsync(cancellationToken);
        }
        catch (Exception e) when ((e as DbException ?? e.InnerException as DbException) is { } database)
        {
            // EF's retrying strategy wraps the database's error in "likely due to a transient failure": say what failed.
            throw new InvalidOperationException(
                $"The control plane ({contexts.Provider}) cannot be reached or set up: {database.Message.TrimEnd('.')}. Check ControlPlane:ConnectionString.", e);
        }

        ControlPlaneLog.Migrated(logger, contexts.Provider);

        try
        {
            await BootstrapAsync(cancellationToken);
        }
        finally
        {
            if (contexts.Provider == ControlPlaneOptions.Postgres)
            {
                await bootstrapLock.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({BootstrapLockKey})", CancellationToken.None);
            }
        }
    }

    /// <summary>The advisory lock that serialises the first start of nodes on one PostgreSQL control plane.</summary>
    private const long BootstrapLockKey = 0x51_01CE_0001;

    private async Task BootstrapAsync(CancellationToken cancellationToken)
    {
        await using (var db = contexts.CreateDbContext())
        {
            if (ControlPlaneExtensions.SharesKeys(configuration))
            {
                await ImportKeysAsync(db, cancellationToken);
            }

            if (!await db.Accounts.AnyAsync(cancellationToken))
            {
                bootstrapped = await AccountCreation.CreateAsync(db, time, cancellationToken);
                await PrivateFile.WriteAsync(dataDirectory.AdminTokenPath, bootstrapped.ApiToken + "\n", cancellationToken);
                ControlPlaneLog.Bootstrapped(logger, bootstrapped.ClientId, dataDirectory.AdminTokenPath);
            }
        }

        // The web app's first user, also for a data directory made before the web app existed.
        firstUser = await users.CreateFirstUserAsync(cancellationToken);
        if (firstUser is not null)
        {
            await PrivateFile.WriteAsync(dataDirectory.AdminPasswordPath, firstUser.Password + "\n", cancellationToken);
            ControlPlaneLog.FirstUserCreated(logger, firstUser.User.Email, firstUser.User.AccountId, dataDirectory.AdminPasswordPath);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs after every hosted service started, the web server included, so the bound address is known.</summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var baseUrl = services.ResolvePublicBaseUrl();
        await File.WriteAllTextAsync(ServerUrlPath, baseUrl + "\n", cancellationToken);
        ControlPlaneLog.Listening(logger, baseUrl, ServerUrlPath);

        var banner = bootstrapped is null
            ? $"Sluice is listening on {baseUrl}"
            : $"""
              Sluice is listening on {baseUrl}
              Created account {bootstrapped.ClientId}. Its API token (shown once; also saved in {dataDirectory.AdminTokenPath}):
                {bootstrapped.ApiToken}
              """;
        if (firstUser is not null)
        {
            banner += $"""

                Sign in to the web app at {baseUrl}/ as {firstUser.User.Email} with this password (shown once; also saved in {dataDirectory.AdminPasswordPath}):
                  {firstUser.Password}
                """;
        }

        // With JSON logs stdout is one JSON object per line for a log shipper; the banner (the one-time secrets) goes to stderr.
        var console = configuration.LogsAsJson() ? Console.Error : Console.Out;
        await console.WriteLineAsync(banner.AsMemory(), cancellationToken);
        bootstrapped = null;
        firstUser = null;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
