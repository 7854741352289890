using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Sluice.Server.Accounts;
using Sluice.Server.Backup;
using Sluice.Server.Destinations;
using Sluice.Server.Loading;
using Sluice.Server.Notifications;
using Sluice.Server.Sources;

namespace Sluice.Server.Api;

public static class ConnectApiExtensions
{
    /// <summary>What every call without a valid token answers (the token handler's challenge), for the API's description.</summary>
    internal static readonly ProducesResponseTypeMetadata Unauthorized = new(StatusCodes.Status401Unauthorized, typeof(ApiError), ["application/json"]);

    /// <summary>JSON of the whole HTTP surface (API, hooks, ingest answers) is snake_case, as Stitch's Connect API is.</summary>
    public static WebApplicationBuilder AddSnakeCaseJson(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        return builder;
    }

    /// <summary>The Connect-compatible <c>/v4</c> API; every endpoint needs <c>Authorization: Bearer &lt;api token&gt;</c>.</summary>
    public static WebApplication MapConnectApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var policy = new AuthorizationPolicyBuilder(ApiTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
        app.MapGroup("/v4")
            .RequireAuthorization(policy)
            .WithMetadata(Unauthorized)
            .MapSourceTypeEndpoints()
            .MapSourceEndpoints()
            .MapWebhookTokenEndpoints()
            .MapDestinationEndpoints()
            .MapApiTokenEndpoints()
            .MapLoadingEndpoints()
            .MapNotificationEndpoints()
            .MapBackupEndpoints();
        return app;
    }
}
