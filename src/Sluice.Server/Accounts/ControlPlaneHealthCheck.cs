using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sluice.Storage;

namespace Sluice.Server.Accounts;

/// <summary>Ready when the control plane answers: without it no API call and no new webhook token can be served.</summary>
internal sealed class ControlPlaneHealthCheck(IDbContextFactory<ControlDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The control-plane database does not answer.");
    }
}
