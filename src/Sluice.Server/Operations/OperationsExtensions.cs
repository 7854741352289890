using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Sluice.Server.Operations;

public static class OperationsExtensions
{
    /// <summary>The standard OpenTelemetry variables that switch trace export on (either is enough).</summary>
    private static readonly string[] OtlpEndpointVariables = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"];

    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks();
        builder.Services.AddSingleton<SluiceMetrics>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME (e.g. one name per node) wins over the default.
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService("sluice");
                }
            })
            .WithMetrics(metrics => metrics
                .AddMeter(SluiceMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddPrometheusExporter());
        if (TracesExported(builder.Configuration))
        {
            // The exporter reads the other standard variables itself (OTEL_EXPORTER_OTLP_PROTOCOL, _HEADERS, _TIMEOUT,
            // OTEL_BSP_*). Without an endpoint nothing listens to the spans, so they are not even created.
            telemetry.WithTracing(tracing => tracing
                .AddSource(SluiceTracing.SourceName)
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.Filter = context => !IsOperationsPath(context.Request.Path);
                    o.EnrichWithHttpRequest = RedactWebhookToken;
                })
                .AddOtlpExporter());
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    /// <summary>Whether an OTLP endpoint is configured (environment, or <c>--OTEL_EXPORTER_OTLP_ENDPOINT=...</c>).</summary>
    internal static bool TracesExported(IConfiguration configuration) =>
        OtlpEndpointVariables.Any(name => !string.IsNullOrWhiteSpace(configuration[name] ?? Environment.GetEnvironmentVariable(name)));

    /// <summary>Scrapes and probes would drown the traces of the work.</summary>
    private static bool IsOperationsPath(PathString path) =>
        path.StartsWithSegments("/metrics", StringComparison.Ordinal)
        || path.StartsWithSegments("/healthz", StringComparison.Ordinal)
        || path.StartsWithSegments("/readyz", StringComparison.Ordinal);

    /// <summary>
    /// A webhook URL's token is its only credential: the span of an ingest request records its path with the token replaced by
    /// <c>{token}</c> (the route, <c>http.route</c>, never holds it).
    /// </summary>
    private static void RedactWebhookToken(System.Diagnostics.Activity activity, HttpRequest request)
    {
        var path = request.Path.Value;
        const string Marker = "/token/";
        if (path is null || !path.StartsWith("/v1/clients/", StringComparison.Ordinal))
        {
            return;
        }

        var at = path.IndexOf(Marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            activity.SetTag("url.path", string.Concat(path.AsSpan(0, at + Marker.Length), "{token}"));
        }
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
