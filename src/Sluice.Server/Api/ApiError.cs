using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Server.Accounts;

namespace Sluice.Server.Api;

/// <summary>Error body of the Connect API: <c>{"error":{"type":"bad_request","message":"..."}}</c>.</summary>
public sealed record ApiError(ApiErrorDetail Error)
{
    public static BadRequest<ApiError> BadRequest(string message) => TypedResults.BadRequest(new ApiError(new ApiErrorDetail("bad_request", message)));

    public static NotFound<ApiError> NotFound(string message) => TypedResults.NotFound(new ApiError(new ApiErrorDetail("not_found", message)));

    public static Conflict<ApiError> Conflict(string message) => TypedResults.Conflict(new ApiError(new ApiErrorDetail("conflict", message)));

    public static BadRequest<ApiError> BadRequest(ControlPlaneError error) => BadRequest(error?.Message ?? string.Empty);

    public static NotFound<ApiError> NotFound(ControlPlaneError error) => NotFound(error?.Message ?? string.Empty);
}

/// <param name="Type"><c>bad_request</c>, <c>unauthorized</c>, <c>not_found</c> or <c>conflict</c>.</param>
public sealed record ApiErrorDetail(string Type, string Message);
