using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Core.Integrations;
using Sluice.Core.Sources;
using Sluice.Server.ApiReference;

namespace Sluice.Server.Sources;

/// <summary>
/// <c>GET /v4/source-types</c>: the Connect description of every catalog entry (BEHAVIOUR.md §7.6), <c>webhook.&lt;name&gt;</c>,
/// with <c>details.protocol</c>, the <c>form</c> -> <c>fully_configured</c> steps and the form's properties.
/// </summary>
internal static class SourceTypeEndpoints
{
    public static RouteGroupBuilder MapSourceTypeEndpoints(this RouteGroupBuilder v4)
    {
        v4.MapGet("/source-types", List).WithTags(ApiTags.SourceTypes)
            .WithSummary("List source types")
            .WithDescription("Every integration as `webhook.<name>`, with `details.protocol` and its form's properties (`is_required`, `property_type`, `read_only`, `json_schema`).");
        return v4;
    }

    private static Ok<JsonArray> List() => TypedResults.Ok(new JsonArray([.. IntegrationCatalog.All.Select(Describe)]));

    private static JsonObject Describe(Integration integration)
    {
        var layout = integration.Layout;
        var properties = new JsonArray(
            Property(
                SourceTypes.PrimaryKeyProperty,
                required: layout.PrimaryKeyReadOnly,
                propertyType: layout.PrimaryKeyReadOnly ? "system_provided" : "user_provided_immutable",
                readOnly: layout.PrimaryKeyReadOnly,
                schema: new JsonObject
                {
                    ["type"] = "string",
                    ["maxLength"] = PrimaryKeyRule.MaxLength,
                    ["description"] = layout.PrimaryKey is null
                        ? "Optional. A top-level field that uniquely identifies each record (upsert); without it the table is append-only."
                        : layout.PrimaryKeyReadOnly
                            ? $"Provided by Sluice: {layout.PrimaryKey}."
                            : $"Default {layout.PrimaryKey}. A top-level field (or a captured header's _sdc_header_* column) that identifies each record.",
                    ["default"] = layout.PrimaryKey,
                }),
            Property("table_from", required: false, "user_provided", readOnly: false, new JsonObject
            {
                ["type"] = "string",
                ["description"] = "header:<Name>, field:<dotted.path> or table:<name>: the root table of each record.",
                ["default"] = layout.TableFrom,
            }),
            Property("capture_headers", required: false, "user_provided", readOnly: false, new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject { ["type"] = "string" },
                ["maxItems"] = SourceLayout.MaxCapturedHeaders,
                ["default"] = new JsonArray([.. layout.CaptureHeaders.Select(h => (JsonNode)h)]),
            }),
            Property("max_depth", required: false, "user_provided", readOnly: false, new JsonObject
            {
                ["type"] = "integer",
                ["minimum"] = 0,
                ["maximum"] = SourceLayout.MaxDepthLimit,
            }));
        if (integration.HasSigningSecret)
        {
            var secret = Property(SourceTypes.SigningSecretProperty, required: false, "user_provided", readOnly: false, new JsonObject
            {
                ["type"] = "string",
                ["writeOnly"] = true,
                ["maxLength"] = 1000,
                ["description"] = $"{integration.Signature?.SecretLabel ?? "Secret"}: {integration.Signature?.SecretHelp}. Never returned.",
            });
            secret["is_credential"] = true;
            properties.Add(secret);
        }

        return new JsonObject
        {
            ["type"] = integration.SourceType,
            ["current_step"] = 1,
            ["current_step_type"] = "form",
            ["steps"] = new JsonArray(
                new JsonObject { ["type"] = "form", ["properties"] = properties },
                new JsonObject { ["type"] = "fully_configured", ["properties"] = new JsonArray() }),
            ["details"] = new JsonObject
            {
                ["display_name"] = integration.DisplayName,
                ["protocol"] = integration.Protocol,
                ["pipeline_state"] = integration.Status.ToLowerInvariant(),
                ["pricing_tier"] = integration.Tier.ToLowerInvariant(),
                ["access"] = true,
                ["default_scheduling_interval"] = 60,
                ["image_version"] = "0.latest",
                ["branded"] = integration.Branded,
                ["summary"] = integration.Summary,
            },
        };
    }

    private static JsonObject Property(string name, bool required, string propertyType, bool readOnly, JsonObject schema) => new()
    {
        ["name"] = name,
        ["is_required"] = required,
        ["is_credential"] = false,
        ["provided"] = false,
        ["property_type"] = propertyType,
        ["read_only"] = readOnly,
        ["json_schema"] = schema,
    };
}
