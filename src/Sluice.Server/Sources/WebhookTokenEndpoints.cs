using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Server.Accounts;
using Sluice.Server.Api;
using Sluice.Server.ApiReference;

namespace Sluice.Server.Sources;

/// <summary><c>/v4/sources/{id}/tokens</c>: generate (at most 2 live), list, revoke webhook URLs.</summary>
internal static class WebhookTokenEndpoints
{
    public static RouteGroupBuilder MapWebhookTokenEndpoints(this RouteGroupBuilder v4)
    {
        var tokens = v4.MapGroup("/sources/{id:long}/tokens").WithTags(ApiTags.WebhookUrls);
        tokens.MapPost("/", CreateAsync).WithSummary("Generate a webhook URL")
            .WithDescription("Another URL for the source (at most 2 live), shown only in this answer. 400 when 2 are live.");
        tokens.MapGet("/", ListAsync).WithSummary("List webhook URLs").WithDescription("Ids and hints (last characters), never the URL.");
        tokens.MapDelete("/{tokenId:long}", RevokeAsync).WithSummary("Revoke a webhook URL").WithDescription("The URL answers 404 from then on.");
        return v4;
    }

    private static async Task<Results<Ok<CreatedWebhookUrlResponse>, BadRequest<ApiError>, NotFound<ApiError>>> CreateAsync(
        long id, HttpContext http, ClaimsPrincipal user, SourceService sources, CancellationToken cancellationToken)
    {
        var clientId = user.ClientId();
        var result = await sources.CreateTokenAsync(clientId, id, cancellationToken);
        if (!result.Succeeded)
        {
            return result.Error.Kind == ControlPlaneErrorKind.NotFound ? ApiError.NotFound(result.Error) : ApiError.BadRequest(result.Error);
        }

        var row = result.Value.Row;
        var url = WebhookUrls.For(http.RequestServices, clientId, result.Value.Token);
        return TypedResults.Ok(new CreatedWebhookUrlResponse(row.Id, url, row.Hint, row.CreatedAt));
    }

    private static async Task<Results<Ok<WebhookTokenResponse[]>, NotFound<ApiError>>> ListAsync(
        long id, ClaimsPrincipal user, SourceService sources, CancellationToken cancellationToken)
    {
        var result = await sources.ListTokensAsync(user.ClientId(), id, cancellationToken);
        return result.Succeeded
            ? TypedResults.Ok(result.Value.Select(WebhookTokenResponse.From).ToArray())
            : ApiError.NotFound(result.Error);
    }

    private static async Task<Results<Ok<WebhookTokenResponse>, NotFound<ApiError>>> RevokeAsync(
        long id, long tokenId, ClaimsPrincipal user, SourceService sources, CancellationToken cancellationToken)
    {
        var result = await sources.RevokeTokenAsync(user.ClientId(), id, tokenId, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(WebhookTokenResponse.From(result.Value)) : ApiError.NotFound(result.Error);
    }
}
