using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Server.Accounts;
using Sluice.Server.Api;
using Sluice.Server.ApiReference;
using Sluice.Server.Deliveries;
using Sluice.Storage;

namespace Sluice.Server.Hooks;

/// <summary>
/// <c>/notifications/public/v1/api/hooks</c>, as Stitch's Connect API documents it (BEHAVIOUR.md §7.2-7.4), plus the
/// delivery log and replay (beyond Stitch). Every refusal is a 400 with one of the documented bodies.
/// </summary>
internal static class HookEndpoints
{
    public static RouteGroupBuilder MapHookEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/hooks", ListAsync).WithTags(ApiTags.Hooks)
            .WithSummary("List post-load hooks").WithDescription("`{\"post_load\":[...]}`, disabled hooks included.");
        api.MapPost("/hooks", CreateAsync).WithTags(ApiTags.Hooks).Accepts<HookCreateBody>("application/json").Produces<HookApiError>(StatusCodes.Status400BadRequest)
            .WithSummary("Create a post-load hook")
            .WithDescription("At most 10 per account, https only. `config.secret` (`whsec_...`, for the Standard Webhooks signature) is in this answer only. Refusals are 400 with Stitch's bodies: `{\"data\":{\"message\":\"Invalid URI\"},\"error\":\"InvalidBody\",\"detail\":\"...\"}`, `Invalid POST body`, or the hook limit.");
        api.MapGet("/hooks/{id}", GetAsync).WithTags(ApiTags.Hooks).Produces<HookApiError>(StatusCodes.Status400BadRequest)
            .WithSummary("Get a post-load hook").WithDescription("An unknown id answers 400 `{\"error\":\"NotFound\"}`, as Stitch does.");
        api.MapPut("/hooks/{id}", UpdateAsync).WithTags(ApiTags.Hooks).Accepts<EnableBody>("application/json").Produces<HookApiError>(StatusCodes.Status400BadRequest)
            .WithSummary("Enable or disable a post-load hook").WithDescription("Disabling ends its pending deliveries without email.");
        api.MapDelete("/hooks/{id}", DeleteAsync).WithTags(ApiTags.Hooks).Produces<HookApiError>(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .WithSummary("Delete a post-load hook").WithDescription("200 with the body `null`, as Stitch answers.");
        api.MapGet("/hooks/{id}/deliveries", ListDeliveriesAsync).WithTags(ApiTags.Hooks).Produces<HookApiError>(StatusCodes.Status400BadRequest)
            .WithSummary("A hook's delivery log").WithDescription("Newest first, 20 a page (`page` from 1): payload, status, attempts, next attempt (beyond Stitch).");
        api.MapPost("/hooks/{id}/deliveries/{deliveryId}/replay", ReplayAsync).WithTags(ApiTags.Hooks).Produces<HookApiError>(StatusCodes.Status400BadRequest)
            .WithSummary("Send a delivery again").WithDescription("The same payload as a new delivery with its own `webhook-id` (beyond Stitch).");
        return api;
    }

    private static async Task<Ok<HookListResponse>> ListAsync(ClaimsPrincipal user, HookService hooks, CancellationToken cancellationToken)
    {
        var list = await hooks.ListAsync(user.ClientId(), cancellationToken);
        return TypedResults.Ok(new HookListResponse(list.Select(h => HookResponse.From(h)).ToList()));
    }

    /// <summary><c>{"type":"post_load","destination_id":N,"config":{"url":"https://..."}}</c>: every field required, no others.</summary>
    private static async Task<Results<Ok<HookResponse>, JsonHttpResult<HookApiError>>> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, HookService hooks, CancellationToken cancellationToken)
    {
        var (body, _) = await JsonBody.ReadObjectAsync(request, allowEmpty: false, cancellationToken);
        if (body is null || !TryReadCreate(body.Root, out var destinationId, out var url))
        {
            return HookApiError.InvalidBody(HookApiError.InvalidPostBody);
        }

        var (hook, secret, refusal) = await hooks.CreateAsync(user.ClientId(), destinationId, url, cancellationToken);
        return refusal switch
        {
            HookRefusal.None => TypedResults.Ok(HookResponse.From(hook!, secret)),
            HookRefusal.InvalidUri => HookApiError.InvalidUrl(hooks.UrlRule(url)),
            HookRefusal.LimitReached => HookApiError.LimitReached(),
            _ => HookApiError.InvalidBody(HookApiError.InvalidPostBody),
        };
    }

    private static bool TryReadCreate(JsonElement root, out long destinationId, out string url)
    {
        destinationId = 0;
        url = string.Empty;
        var names = root.EnumerateObject().Select(p => p.Name).ToList();
        if (names.Count != 3 || !names.Contains("type") || !names.Contains("destination_id") || !names.Contains("config"))
        {
            return false;
        }

        var type = root.GetProperty("type");
        var destination = root.GetProperty("destination_id");
        var config = root.GetProperty("config");
        if (type.ValueKind != JsonValueKind.String || type.GetString() != Hook.PostLoadType
            || destination.ValueKind != JsonValueKind.Number || !destination.TryGetInt64(out destinationId)
            || config.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var configNames = config.EnumerateObject().Select(p => p.Name).ToList();
        if (configNames is not ["url"] || config.GetProperty("url").ValueKind != JsonValueKind.String)
        {
            return false;
        }

        url = config.GetProperty("url").GetString()!;
        return true;
    }

    private static async Task<Results<Ok<HookResponse>, JsonHttpResult<HookApiError>>> GetAsync(
        string id, ClaimsPrincipal user, HookService hooks, CancellationToken cancellationToken)
    {
        var hook = long.TryParse(id, out var hookId) ? await hooks.GetAsync(user.ClientId(), hookId, cancellationToken) : null;
        return hook is null ? HookApiError.NotFound() : TypedResults.Ok(HookResponse.From(hook));
    }

    /// <summary><c>{"enable":true|false}</c> and nothing else.</summary>
    private static async Task<Results<Ok<HookResponse>, JsonHttpResult<HookApiError>>> UpdateAsync(
        string id, HttpRequest request, ClaimsPrincipal user, HookService hooks, CancellationToken cancellationToken)
    {
        var (body, _) = await JsonBody.ReadObjectAsync(request, allowEmpty: false, cancellationToken);
        if (body is null || !TryReadEnable(body.Root, out var enable))
        {
            return HookApiError.InvalidBody(HookApiError.InvalidPutBody);
        }

        var hook = long.TryParse(id, out var hookId) ? await hooks.SetEnabledAsync(user.ClientId(), hookId, enable, cancellationToken) : null;
        return hook is null ? HookApiError.NotFound() : TypedResults.Ok(HookResponse.From(hook));
    }

    /// <summary>Whether <paramref name="root"/> is exactly <c>{"enable":bool}</c>; shared with the custom-email endpoints.</summary>
    internal static bool TryReadEnable(JsonElement root, out bool enable)
    {
        enable = false;
        if (root.EnumerateObject().Select(p => p.Name).ToList() is not ["enable"])
        {
            return false;
        }

        var value = root.GetProperty("enable");
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return false;
        }

        enable = value.GetBoolean();
        return true;
    }

    /// <summary>200 with the body <c>null</c>, as Stitch answers.</summary>
    private static async Task<Results<ContentHttpResult, JsonHttpResult<HookApiError>>> DeleteAsync(
        string id, ClaimsPrincipal user, HookService hooks, CancellationToken cancellationToken)
    {
        var deleted = long.TryParse(id, out var hookId) && await hooks.DeleteAsync(user.ClientId(), hookId, cancellationToken);
        return deleted ? TypedResults.Text("null", "application/json") : HookApiError.NotFound();
    }

    private static async Task<Results<Ok<DeliveryPageResponse>, JsonHttpResult<HookApiError>>> ListDeliveriesAsync(
        string id, string? page, ClaimsPrincipal user, HookService hooks, CancellationToken cancellationToken)
    {
        var pageNumber = 1;
        if (page is not null && (!int.TryParse(page, out pageNumber) || pageNumber < 1))
        {
            return HookApiError.Message($"Query parameter 'page' must be a whole number from 1 (got '{page}').");
        }

        var result = long.TryParse(id, out var hookId) ? await hooks.ListDeliveriesAsync(user.ClientId(), hookId, pageNumber, cancellationToken) : null;
        return result is null ? HookApiError.NotFound() : TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<DeliveryResponse>, JsonHttpResult<HookApiError>>> ReplayAsync(
        string id, string deliveryId, ClaimsPrincipal user, HookService hooks, CancellationToken cancellationToken)
    {
        var replay = long.TryParse(id, out var hookId) && long.TryParse(deliveryId, out var originalId)
            ? await hooks.ReplayAsync(user.ClientId(), hookId, originalId, cancellationToken)
            : null;
        return replay is null ? HookApiError.NotFound() : TypedResults.Ok(DeliveryResponse.From(replay, []));
    }
}
