using Microsoft.Extensions.Options;

namespace Sluice.Server.Bench;

public static class BenchExtensions
{
    /// <summary>
    /// The endpoints bench/ingest.sh measures the ingest endpoint against (<see cref="BenchOptions"/>, off by default): their
    /// handlers and the durable floor's writer, a hosted service that starts only when they are on. For an ingest node.
    /// </summary>
    public static WebApplicationBuilder AddBench(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<BenchOptions>().Bind(builder.Configuration.GetSection(BenchOptions.Section));
        builder.Services.AddSingleton<DurableFloorWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DurableFloorWriter>());
        builder.Services.AddSingleton<BenchEndpoints>();
        return builder;
    }

    /// <summary>Maps <c>POST /bench/baseline</c> and <c>POST /bench/floor</c> when <c>Sluice:EnableBenchmarkEndpoint</c> is on.</summary>
    public static WebApplication MapBenchEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<BenchOptions>>().Value.EnableBenchmarkEndpoint)
        {
            var bench = app.Services.GetRequiredService<BenchEndpoints>();
            app.MapPost(BenchEndpoints.BaselineRoute, bench.HandleBaselineAsync);
            app.MapPost(BenchEndpoints.FloorRoute, bench.HandleFloorAsync);
        }

        return app;
    }
}
