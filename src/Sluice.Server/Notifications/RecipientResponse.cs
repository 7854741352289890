using System.Text.Json.Serialization;
using Sluice.Server.Hooks;
using Sluice.Storage;

namespace Sluice.Server.Notifications;

/// <summary>The Connect custom email object: <c>{id, client_id, email_address, created_at, disabled_at}</c>.</summary>
public sealed record RecipientResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("client_id")] long ClientId,
    [property: JsonPropertyName("email_address")] string EmailAddress,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("disabled_at")] string? DisabledAt)
{
    public static RecipientResponse From(CustomEmail recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return new RecipientResponse(
            recipient.Id,
            recipient.AccountId,
            recipient.EmailAddress,
            HookResponse.Timestamp(recipient.CreatedAt),
            recipient.DisabledAt is { } disabled ? HookResponse.Timestamp(disabled) : null);
    }
}

/// <summary>Stitch's answer for an unknown custom email id: 404 <c>{"status":"NOT FOUND"}</c>.</summary>
public sealed record RecipientNotFound([property: JsonPropertyName("status")] string Status)
{
    public static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<RecipientNotFound> Result() =>
        TypedResults.Json(new RecipientNotFound("NOT FOUND"), statusCode: StatusCodes.Status404NotFound);
}
