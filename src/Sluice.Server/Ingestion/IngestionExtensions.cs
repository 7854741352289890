namespace Sluice.Server.Ingestion;

public static class IngestionExtensions
{
    public static WebApplicationBuilder AddIngestion(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapIngestion(this WebApplication app)
    {
        return app;
    }
}
