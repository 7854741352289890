using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sluice.Server.Buffering.JetStream;

/// <summary>Ready when the node is connected to NATS and the record stream and cursor bucket are there: ingest can be acknowledged.</summary>
public sealed class JetStreamHealthCheck(JetStreamConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await connection.EnsureAsync(cancellationToken);
        }
        catch (JetStreamUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message, ex.InnerException);
        }

        return connection.IsReady
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"Not connected to NATS at {connection.Options.Url} (state {connection.Connection.ConnectionState}); reconnecting.");
    }
}
