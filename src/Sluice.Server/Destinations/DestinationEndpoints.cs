using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Server.Accounts;
using Sluice.Server.Api;
using Sluice.Server.ApiReference;

namespace Sluice.Server.Destinations;

/// <summary><c>/v4/destinations</c>: every account has the embedded DuckDB destination from its creation.</summary>
internal static class DestinationEndpoints
{
    public static RouteGroupBuilder MapDestinationEndpoints(this RouteGroupBuilder v4)
    {
        v4.MapGet("/destinations", ListAsync).WithTags(ApiTags.Destinations)
            .WithSummary("List destinations").WithDescription("The account's destination: the embedded DuckDB file `warehouse/<client_id>.duckdb` by default. The password is never returned.");
        v4.MapGet("/destinations/{id:long}", GetAsync).WithTags(ApiTags.Destinations).WithSummary("Get a destination");
        v4.MapPost("/destinations", CreateAsync).WithTags(ApiTags.Destinations).Accepts<DestinationBody>("application/json")
            .WithSummary("Load into PostgreSQL")
            .WithDescription("Replaces the account's destination with a PostgreSQL database. The connection is checked first; a database another account already loads into is refused.");
        v4.MapPut("/destinations/{id:long}", UpdateAsync).WithTags(ApiTags.Destinations).Accepts<DestinationBody>("application/json")
            .WithSummary("Change a destination").WithDescription("Changes the name or the connection fields given; the others, the password included, stay.");
        v4.MapDelete("/destinations/{id:long}", DeleteAsync).WithTags(ApiTags.Destinations)
            .WithSummary("Remove a PostgreSQL destination").WithDescription("The account loads into its embedded DuckDB file again.");
        return v4;
    }

    /// <summary><c>{"type":"postgres","name":"optional","connection":{host,port,username,password,database,sslmode}}</c>.</summary>
    private static async Task<Results<Ok<DestinationResponse>, BadRequest<ApiError>, NotFound<ApiError>>> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, DestinationService destinations, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return ApiError.BadRequest(error!);
        }

        if (body.Type != "postgres")
        {
            return ApiError.BadRequest(DestinationService.TypeRequired);
        }

        if (body.Connection is null)
        {
            return ApiError.BadRequest("Field 'connection' is required: {\"host\",\"port\",\"username\",\"password\",\"database\",\"sslmode\"}.");
        }

        return ToResponse(await destinations.CreatePostgresAsync(user.ClientId(), body.Name, body.Connection.Value, cancellationToken));
    }

    /// <summary>Changes the name or (PostgreSQL) connection fields given; the others, the password included, stay.</summary>
    private static async Task<Results<Ok<DestinationResponse>, BadRequest<ApiError>, NotFound<ApiError>>> UpdateAsync(
        long id, HttpRequest request, ClaimsPrincipal user, DestinationService destinations, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return ApiError.BadRequest(error!);
        }

        if (body.Type is not null and not "postgres" and not "duckdb")
        {
            return ApiError.BadRequest($"Field 'type' cannot change a destination's type (got '{body.Type}'); delete the destination and add another.");
        }

        return ToResponse(await destinations.UpdateAsync(user.ClientId(), id, body.Name, body.Connection, cancellationToken));
    }

    /// <summary>The fields POST and PUT take: type, name (or display_name) and the connection object, each checked for its type.</summary>
    private static async Task<(DestinationBody? Body, string? Error)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(request, allowEmpty: false, cancellationToken);
        if (body is null)
        {
            return (null, error);
        }

        if (body.RejectUnknownFields("type", "name", "display_name", "connection") is { } unknown)
        {
            return (null, unknown);
        }

        if (!body.TryGetString("type", out var type, out error)
            || !body.TryGetString("name", out var name, out error)
            || !body.TryGetString("display_name", out var displayName, out error)
            || !body.TryGetObject("connection", out var connection, out error))
        {
            return (null, error);
        }

        return (new DestinationBody(type, name ?? displayName, connection), null);
    }

    private sealed record DestinationBody(string? Type, string? Name, System.Text.Json.JsonElement? Connection);

    private static async Task<Results<Ok<DestinationResponse>, BadRequest<ApiError>, NotFound<ApiError>>> DeleteAsync(
        long id, ClaimsPrincipal user, DestinationService destinations, CancellationToken cancellationToken) =>
        ToResponse(await destinations.DeleteAsync(user.ClientId(), id, cancellationToken));

    private static Results<Ok<DestinationResponse>, BadRequest<ApiError>, NotFound<ApiError>> ToResponse(ControlPlaneResult<Storage.Destination> result) =>
        result.Succeeded
            ? TypedResults.Ok(DestinationResponse.From(result.Value))
            : result.Error.Kind == ControlPlaneErrorKind.NotFound ? ApiError.NotFound(result.Error) : ApiError.BadRequest(result.Error);

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
