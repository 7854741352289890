using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Sluice.Server.Accounts;
using Sluice.Server.Api;
using Sluice.Server.ApiReference;
using Sluice.Server.Backup;
using Sluice.Server.Bench;
using Sluice.Server.Buffering;
using Sluice.Server.Hooks;
using Sluice.Server.Hosting;
using Sluice.Server.Ingestion;
using Sluice.Server.Loading;
using Sluice.Server.Notifications;
using Sluice.Server.Operations;
using Sluice.Server.Web;

namespace Sluice.Server;

/// <summary>The Sluice host: every role in one process. Reads as the table of contents of the server.</summary>
public static class SluiceApp
{
    /// <summary>
    /// Builds the app. Configuration comes from appsettings.json, then environment variables prefixed <c>SLUICE_</c>
    /// (<c>SLUICE_Loading__Interval=00:00:01</c> sets <c>Loading:Interval</c>), then <paramref name="args"/>, in that order.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        builder.AddSluiceConfiguration(args);
        var roles = SluiceRoles.From(builder.Configuration);

        builder.AddControlPlane();
        builder.AddBuffering();
        builder.AddIngestion();
        if (roles.Has(SluiceRoles.Ingest))
        {
            builder.AddBench();
        }

        builder.AddLoading(runLoader: roles.Has(SluiceRoles.Loader));
        builder.AddNotifications();
        builder.AddHooks(runDispatcher: roles.Has(SluiceRoles.Dispatcher));
        builder.AddBackup();
        builder.AddSnakeCaseJson();
        builder.AddOperations();
        if (roles.Has(SluiceRoles.Api))
        {
            builder.AddWebApp();
            builder.AddApiReference();
        }

        configure?.Invoke(builder);

        var app = builder.Build();
        if (app.Services.GetRequiredService<IOptions<SluiceOptions>>().Value.TrustLoopbackProxy)
        {
            // KnownProxies defaults to loopback: only a proxy on this machine is believed.
            app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
        }

        app.MapOperations();
        if (roles.Has(SluiceRoles.Ingest))
        {
            app.MapIngestion();
            app.MapBenchEndpoints();
        }

        if (roles.Has(SluiceRoles.Api))
        {
            app.MapConnectApi();
            app.MapHooks();
            app.MapWebApp();
            app.MapApiReference();
        }
        return app;
    }
}
