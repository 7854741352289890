using Scalar.AspNetCore;

namespace Sluice.Server.ApiReference;

/// <summary>
/// The API's description: an OpenAPI 3.1 document at <c>/openapi/v1.json</c> and the Scalar reference UI at <c>/docs/api</c>.
/// Both are public, like any published API description: they describe routes and bodies, never an account's data (the UI's
/// "try it" calls need the user's own API token, kept only in the page). The UI loads its script from this server, so it
/// works without internet.
/// </summary>
public static class ApiReferenceExtensions
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string UiPath = "/docs/api";

    public static WebApplicationBuilder AddApiReference(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenApi(DocumentName, o =>
        {
            o.OpenApiVersion = Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_1;
            o.AddDocumentTransformer<ApiDocumentTransformer>();
            o.AddOperationTransformer<BearerTokenTransformer>();
            // HookApiError leaves out a null "data" (only InvalidBody has it), so it is not required.
            o.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Type == typeof(Hooks.HookApiError))
                {
                    schema.Required?.Remove("data");
                }

                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static WebApplication MapApiReference(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference(UiPath, o => o
                .WithTitle("Sluice API reference")
                .WithOpenApiRoutePattern(DocumentPath)
                .AddPreferredSecuritySchemes(BearerTokenTransformer.SchemeName)
                .WithDefaultHttpClient(ScalarTarget.Shell, ScalarClient.Curl)
                // Nothing from the internet: no CDN fonts, no telemetry, no hosted AI chat or MCP.
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp())
            .AllowAnonymous();
        return app;
    }
}
