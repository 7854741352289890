namespace Sluice.Server.Accounts;

/// <summary>Logs of the control plane (event ids 1000-1099).</summary>
internal static partial class ControlPlaneLog
{
    [LoggerMessage(LogEvents.ControlPlane.Migrated, LogLevel.Information, "Control plane ready ({Provider}); migrations applied")]
    public static partial void Migrated(ILogger logger, string provider);

    [LoggerMessage(LogEvents.ControlPlane.Bootstrapped, LogLevel.Information, "First start: created account {ClientId}; its API token is in {AdminTokenPath}")]
    public static partial void Bootstrapped(ILogger logger, long clientId, string adminTokenPath);

    [LoggerMessage(LogEvents.ControlPlane.Listening, LogLevel.Information, "Sluice listens on {BaseUrl}; written to {ServerUrlPath}")]
    public static partial void Listening(ILogger logger, string baseUrl, string serverUrlPath);

    [LoggerMessage(LogEvents.ControlPlane.FirstUserCreated, LogLevel.Information, "Created the first web app user {Email} of account {ClientId}; its password is in {AdminPasswordPath}")]
    public static partial void FirstUserCreated(ILogger logger, string email, long clientId, string adminPasswordPath);

    [LoggerMessage(LogEvents.ControlPlane.KeysImported, LogLevel.Information, "Copied {Keys} Data Protection keys from {KeysPath} into the control plane, which every node shares")]
    public static partial void KeysImported(ILogger logger, int keys, string keysPath);
}
