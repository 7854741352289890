using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Server.Accounts;

namespace Sluice.Server.Api;

/// <summary><c>/v4/destinations</c>: every account has the embedded DuckDB destination from its creation.</summary>
internal static class DestinationEndpoints
{
    public static RouteGroupBuilder MapDestinationEndpoints(this RouteGroupBuilder v4)
    {
        v4.MapGet("/destinations", ListAsync);
        v4.MapGet("/destinations/{id:long}", GetAsync);
        return v4;
    }

    private static async Task<Ok<DestinationResponse[]>> ListAsync(ClaimsPrincipal user, AccountService accounts, CancellationToken cancellationToken)
    {
        var list = await accounts.ListDestinationsAsync(user.ClientId(), cancellationToken);
        return TypedResults.Ok(list.Select(DestinationResponse.From).ToArray());
    }

    private static async Task<Results<Ok<DestinationResponse>, NotFound<ApiError>>> GetAsync(
        long id, ClaimsPrincipal user, AccountService accounts, CancellationToken cancellationToken)
    {
        var result = await accounts.GetDestinationAsync(user.ClientId(), id, cancellationToken);
        return result.Succeeded ? TypedResults.Ok(DestinationResponse.From(result.Value)) : ApiError.NotFound(result.Error);
    }
}
