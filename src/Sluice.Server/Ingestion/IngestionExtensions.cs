using Microsoft.Extensions.Options;
using Sluice.Server.Hosting;

namespace Sluice.Server.Ingestion;

public static class IngestionExtensions
{
    public static WebApplicationBuilder AddIngestion(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestOptions>()
            .Bind(builder.Configuration.GetSection(IngestOptions.Section))
            .Validate(o => o.MaxBodyBytes >= 2, "Ingest:MaxBodyBytes must be at least 2 bytes (default 20971520).")
            .Validate(o => o.MaxDepth is >= 1 and <= 1000, "Ingest:MaxDepth must be between 1 and 1000 (default 64).")
            .Validate(o => o.MaxHeaderBytes >= 1, "Ingest:MaxHeaderBytes must be at least 1 byte (default 8192).")
            .Validate(o => o.RetryAfter > TimeSpan.Zero, "Ingest:RetryAfter must be positive, e.g. 00:00:01.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IngestEndpoint>();
        builder.Services.AddSingleton<DurableFloorWriter>();
        builder.Services.AddSingleton<BenchmarkEndpoint>();
        return builder;
    }

    public static WebApplication MapIngestion(this WebApplication app)
    {
        // Every method reaches the handler, so that it can answer 405 (and HEAD 200) itself.
        app.Map(IngestEndpoint.Route, app.Services.GetRequiredService<IngestEndpoint>().HandleAsync);

        if (app.Services.GetRequiredService<IOptions<SluiceOptions>>().Value.EnableBenchmarkEndpoint)
        {
            // The floor's writer runs only here; disposing it (with the app's services) drains it and deletes its file.
            app.Services.GetRequiredService<DurableFloorWriter>().StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            var bench = app.Services.GetRequiredService<BenchmarkEndpoint>();
            app.MapPost(BenchmarkEndpoint.Route, bench.HandleAsync);
            app.MapPost(BenchmarkEndpoint.FloorRoute, bench.HandleFloorAsync);
        }

        return app;
    }
}
