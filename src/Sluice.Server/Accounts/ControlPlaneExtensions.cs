namespace Sluice.Server.Accounts;

public static class ControlPlaneExtensions
{
    public static WebApplicationBuilder AddControlPlane(this WebApplicationBuilder builder)
    {
        return builder;
    }
}
