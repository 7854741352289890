using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Core.Sources;

namespace Sluice.Server.Api;

/// <summary><c>GET /v4/source-types</c>: the Connect description of the source types Sluice can create (BEHAVIOUR.md §7.6).</summary>
internal static class SourceTypeEndpoints
{
    public static RouteGroupBuilder MapSourceTypeEndpoints(this RouteGroupBuilder v4)
    {
        v4.MapGet("/source-types", List);
        return v4;
    }

    private static Ok<JsonArray> List() => TypedResults.Ok(new JsonArray(IncomingWebhook()));

    private static JsonObject IncomingWebhook() => new()
    {
        ["type"] = SourceTypes.IncomingWebhook,
        ["current_step"] = 1,
        ["current_step_type"] = "form",
        ["steps"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "form",
                ["properties"] = new JsonArray(
                    new JsonObject
                    {
                        ["name"] = SourceTypes.PrimaryKeyProperty,
                        ["is_required"] = false,
                        ["is_credential"] = false,
                        ["provided"] = false,
                        ["property_type"] = "user_provided_immutable",
                        ["json_schema"] = new JsonObject
                        {
                            ["type"] = "string",
                            ["maxLength"] = PrimaryKeyRule.MaxLength,
                            ["description"] = "Optional. A top-level field that uniquely identifies each record (upsert); without it the table is append-only.",
                        },
                    }),
            },
            new JsonObject { ["type"] = "fully_configured", ["properties"] = new JsonArray() }),
        ["details"] = new JsonObject
        {
            ["display_name"] = "Incoming Webhooks",
            ["protocol"] = "incoming-webhook",
            ["pipeline_state"] = "released",
            ["pricing_tier"] = "standard",
            ["access"] = true,
            ["default_scheduling_interval"] = 60,
            ["image_version"] = "0.latest",
        },
    };
}
