using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sluice.Server.Buffering;

/// <summary>Ready when <c>buffer.db</c> answers a query and the writer has not failed.</summary>
public sealed class BufferHealthCheck(BufferDatabase database, GroupCommitWriter writer) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (writer.Fault is { } fault)
        {
            return HealthCheckResult.Unhealthy($"The buffer writer stopped: {fault.Message}", fault);
        }

        try
        {
            await using var connection = database.Open();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM source_sequences";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            return HealthCheckResult.Unhealthy($"The buffer {database.FilePath} cannot be read: {ex.Message}", ex);
        }
    }
}
