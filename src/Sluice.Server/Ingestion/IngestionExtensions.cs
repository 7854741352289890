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
        return builder;
    }

    public static WebApplication MapIngestion(this WebApplication app)
    {
        // Every method reaches the handler, so that it can answer 405 (and HEAD 200) itself.
        app.Map(IngestEndpoint.Route, app.Services.GetRequiredService<IngestEndpoint>().HandleAsync);
        return app;
    }
}
