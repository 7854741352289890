using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Sluice.Server.Hooks;

/// <summary>
/// Error bodies of the notifications API, in the shapes Stitch documents (BEHAVIOUR.md §7.4), all with status 400:
/// <c>{"data":{"message":".."},"error":"InvalidBody"}</c>, <c>{"error":{"message":".."}}</c> and <c>{"error":"NotFound"}</c>.
/// </summary>
public sealed record HookApiError(
    [property: JsonPropertyName("data"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HookApiErrorMessage? Data,
    [property: JsonPropertyName("error"), System.ComponentModel.Description("`\"InvalidBody\"` (with `data.message`), `\"NotFound\"`, or `{\"message\":\"...\"}`.")] object Error)
{
    /// <summary>Sluice's addition to Stitch's body: what was wrong and what is allowed (absent where Stitch's message says it all).</summary>
    [JsonPropertyName("detail")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Detail { get; init; }

    public const string InvalidPostBody = "Invalid POST body";
    public const string InvalidUri = "Invalid URI";
    public const string InvalidPutBody = "PUT body must only contain boolean 'enable' key";

    public static JsonHttpResult<HookApiError> InvalidBody(string message) =>
        TypedResults.Json(new HookApiError(new HookApiErrorMessage(message), "InvalidBody"), statusCode: StatusCodes.Status400BadRequest);

    /// <summary>Stitch's <c>Invalid URI</c> body, with a <c>detail</c> saying what a hook URL must be.</summary>
    public static JsonHttpResult<HookApiError> InvalidUrl(string detail) =>
        TypedResults.Json(new HookApiError(new HookApiErrorMessage(InvalidUri), "InvalidBody") { Detail = detail }, statusCode: StatusCodes.Status400BadRequest);

    public static JsonHttpResult<HookApiError> Message(string message) =>
        TypedResults.Json(new HookApiError(null, new HookApiErrorMessage(message)), statusCode: StatusCodes.Status400BadRequest);

    public static JsonHttpResult<HookApiError> NotFound() =>
        TypedResults.Json(new HookApiError(null, "NotFound"), statusCode: StatusCodes.Status400BadRequest);

    public static JsonHttpResult<HookApiError> LimitReached() =>
        Message($"You have exceeded the limit of {HooksOptions.MaxHooksPerAccount} hooks.");
}

public sealed record HookApiErrorMessage([property: JsonPropertyName("message")] string Message);
