using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Server.Api;
using Sluice.Server.ApiReference;

namespace Sluice.Server.Accounts;

/// <summary><c>/v4/tokens</c>: API tokens of the calling account (beyond Stitch, which has them only in its UI).</summary>
internal static class ApiTokenEndpoints
{
    private const int MaxNameLength = 200;

    public static RouteGroupBuilder MapApiTokenEndpoints(this RouteGroupBuilder v4)
    {
        var tokens = v4.MapGroup("/tokens").WithTags(ApiTags.ApiTokens);
        tokens.MapPost("/", CreateAsync).Accepts<ApiTokenCreateBody>(isOptional: true, "application/json")
            .WithSummary("Create an API token").WithDescription("The token is in this answer only.");
        tokens.MapGet("/", ListAsync).WithSummary("List API tokens").WithDescription("Ids, names and hints, never the tokens.");
        tokens.MapDelete("/{id:long}", RevokeAsync).WithSummary("Revoke an API token")
            .WithDescription("409 when it is the account's last live token.");
        return v4;
    }

    private static async Task<Results<Ok<CreatedApiTokenResponse>, BadRequest<ApiError>>> CreateAsync(
        HttpContext http, ClaimsPrincipal user, ApiTokenService tokens, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(http.Request, allowEmpty: true, cancellationToken);
        if (body is null)
        {
            return ApiError.BadRequest(error!);
        }

        if (body.RejectUnknownFields("name") is { } unknown)
        {
            return ApiError.BadRequest(unknown);
        }

        if (!body.TryGetString("name", out var name, out error))
        {
            return ApiError.BadRequest(error!);
        }

        if (name?.Trim().Length > MaxNameLength)
        {
            return ApiError.BadRequest($"name is {name.Trim().Length} characters long; at most {MaxNameLength} are allowed.");
        }

        var created = await tokens.CreateAsync(user.ClientId(), name, cancellationToken);
        var row = created.Row;
        return TypedResults.Ok(new CreatedApiTokenResponse(row.Id, row.Name, created.Token, row.Hint, row.CreatedAt));
    }

    private static async Task<Ok<ApiTokenResponse[]>> ListAsync(ClaimsPrincipal user, ApiTokenService tokens, CancellationToken cancellationToken)
    {
        var list = await tokens.ListAsync(user.ClientId(), cancellationToken);
        return TypedResults.Ok(list.Select(ApiTokenResponse.From).ToArray());
    }

    private static async Task<Results<Ok<ApiTokenResponse>, NotFound<ApiError>, Conflict<ApiError>>> RevokeAsync(
        long id, ClaimsPrincipal user, ApiTokenService tokens, CancellationToken cancellationToken)
    {
        var result = await tokens.RevokeAsync(user.ClientId(), id, cancellationToken);
        if (result.Succeeded)
        {
            return TypedResults.Ok(ApiTokenResponse.From(result.Value));
        }

        return result.Error.Kind == ControlPlaneErrorKind.Conflict
            ? ApiError.Conflict(result.Error.Message)
            : ApiError.NotFound(result.Error);
    }
}
