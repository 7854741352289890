namespace Sluice.Server.Accounts;

/// <summary>Logs of the control plane (event ids 1000-1099).</summary>
internal static partial class ControlPlaneLog
{
    [LoggerMessage(1000, LogLevel.Information, "Control plane ready ({Provider}); migrations applied")]
    public static partial void Migrated(ILogger logger, string provider);

    [LoggerMessage(1001, LogLevel.Information, "First start: created account {ClientId}; its API token is in {AdminTokenPath}")]
    public static partial void Bootstrapped(ILogger logger, long clientId, string adminTokenPath);

    [LoggerMessage(1002, LogLevel.Information, "Sluice listens on {BaseUrl}; written to {ServerUrlPath}")]
    public static partial void Listening(ILogger logger, string baseUrl, string serverUrlPath);

    [LoggerMessage(1003, LogLevel.Information, "Created the first web app user {Email} of account {ClientId}; its password is in {AdminPasswordPath}")]
    public static partial void FirstUserCreated(ILogger logger, string email, long clientId, string adminPasswordPath);

    [LoggerMessage(1004, LogLevel.Information, "Copied {Keys} Data Protection keys from {KeysPath} into the control plane, which every node shares")]
    public static partial void KeysImported(ILogger logger, int keys, string keysPath);
}
