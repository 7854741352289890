using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Sluice.Server.Operations;

public static class OperationsExtensions
{
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks();
        builder.Services.AddSingleton<SluiceMetrics>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("sluice"))
            .WithMetrics(metrics => metrics
                .AddMeter(SluiceMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddPrometheusExporter());
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    /// <summary>
    /// <c>/healthz</c>: the process is up. <c>/readyz</c>: every registered readiness check passes. <c>/metrics</c>: Prometheus
    /// text format (Sluice's counters, ASP.NET Core's request metrics). None needs a token: keep them off public networks.
    /// </summary>
    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
