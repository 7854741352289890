using Sluice.Server.Hosting;
using Sluice.Storage;

namespace Sluice.Server.Accounts;

/// <summary>
/// Operator path behind <c>sluice users add|reset-password</c>: works on the data directory's control plane directly (also
/// while a server runs on it), like <see cref="AccountAdmin"/>.
/// </summary>
public static class UserAdmin
{
    public static async Task<ControlPlaneResult<NewUser>> AddAsync(
        string dataDir, ControlPlaneOptions controlPlane, string email, long clientId, CancellationToken cancellationToken)
    {
        var users = await OpenAsync(dataDir, controlPlane, cancellationToken);
        return await users.AddAsync(email, clientId, cancellationToken);
    }

    public static async Task<ControlPlaneResult<NewUser>> ResetPasswordAsync(
        string dataDir, ControlPlaneOptions controlPlane, string email, CancellationToken cancellationToken)
    {
        var users = await OpenAsync(dataDir, controlPlane, cancellationToken);
        return await users.ResetPasswordAsync(email, cancellationToken);
    }

    private static async Task<UserService> OpenAsync(string dataDir, ControlPlaneOptions controlPlane, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDir);
        ArgumentNullException.ThrowIfNull(controlPlane);
        var root = Path.GetFullPath(dataDir);
        Directory.CreateDirectory(root);
        var factory = new ControlDbContextFactory(controlPlane, Path.Combine(root, DataDirectory.ControlDbFile));
        await factory.MigrateAsync(cancellationToken);
        return new UserService(factory, TimeProvider.System);
    }
}
