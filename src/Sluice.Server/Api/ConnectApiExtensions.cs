namespace Sluice.Server.Api;

public static class ConnectApiExtensions
{
    public static WebApplicationBuilder AddConnectApi(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapConnectApi(this WebApplication app)
    {
        return app;
    }
}
