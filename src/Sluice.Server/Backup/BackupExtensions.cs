namespace Sluice.Server.Backup;

public static class BackupExtensions
{
    /// <summary>Consistent copies of the control plane, buffer and DuckDB files while the server runs (<c>POST /v4/backup</c>).</summary>
    public static WebApplicationBuilder AddBackup(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<BackupService>();
        return builder;
    }
}
