namespace Sluice.Server.Buffering;

public static class BufferingExtensions
{
    public static WebApplicationBuilder AddBuffering(this WebApplicationBuilder builder)
    {
        return builder;
    }
}
