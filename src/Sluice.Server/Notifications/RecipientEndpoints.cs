using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Server.Accounts;
using Sluice.Server.Api;
using Sluice.Server.ApiReference;
using Sluice.Server.Hooks;

namespace Sluice.Server.Notifications;

/// <summary>
/// <c>/notifications/public/v1/api/custom-emails</c>: the account's extra notification recipients. An unknown (or another
/// account's) id answers 404 <c>{"status":"NOT FOUND"}</c>, as Stitch documents for PUT.
/// </summary>
internal static class RecipientEndpoints
{
    public static RouteGroupBuilder MapRecipientEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/custom-emails", ListAsync).WithTags(ApiTags.CustomEmails).WithSummary("List custom email recipients");
        api.MapPost("/custom-emails", CreateAsync).WithTags(ApiTags.CustomEmails).Accepts<CustomEmailCreateBody>("application/json").Produces<HookApiError>(StatusCodes.Status400BadRequest)
            .WithSummary("Add a recipient of notification email").WithDescription("At most 10 per account.");
        api.MapGet("/custom-emails/{id}", GetAsync).WithTags(ApiTags.CustomEmails).Produces<RecipientNotFound>(StatusCodes.Status404NotFound).WithSummary("Get a recipient");
        api.MapPut("/custom-emails/{id}", UpdateAsync).WithTags(ApiTags.CustomEmails).Accepts<EnableBody>("application/json").Produces<HookApiError>(StatusCodes.Status400BadRequest).Produces<RecipientNotFound>(StatusCodes.Status404NotFound)
            .WithSummary("Enable or disable a recipient");
        api.MapDelete("/custom-emails/{id}", DeleteAsync).WithTags(ApiTags.CustomEmails).Produces<RecipientNotFound>(StatusCodes.Status404NotFound).WithSummary("Remove a recipient");
        return api;
    }

    private static async Task<Ok<RecipientResponse[]>> ListAsync(ClaimsPrincipal user, RecipientService recipients, CancellationToken cancellationToken)
    {
        var list = await recipients.ListAsync(user.ClientId(), cancellationToken);
        return TypedResults.Ok(list.Select(RecipientResponse.From).ToArray());
    }

    /// <summary><c>{"email_address":"a@example.com"}</c> and nothing else.</summary>
    private static async Task<Results<Ok<RecipientResponse>, JsonHttpResult<HookApiError>>> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, RecipientService recipients, CancellationToken cancellationToken)
    {
        var (body, _) = await JsonBody.ReadObjectAsync(request, allowEmpty: false, cancellationToken);
        if (body is null
            || body.Root.EnumerateObject().Select(p => p.Name).ToList() is not ["email_address"]
            || body.Root.GetProperty("email_address").ValueKind != JsonValueKind.String)
        {
            return HookApiError.InvalidBody(HookApiError.InvalidPostBody);
        }

        var (recipient, error) = await recipients.AddAsync(user.ClientId(), body.Root.GetProperty("email_address").GetString()!, cancellationToken);
        return recipient is null ? HookApiError.Message(error!) : TypedResults.Ok(RecipientResponse.From(recipient));
    }

    private static async Task<Results<Ok<RecipientResponse>, JsonHttpResult<RecipientNotFound>>> GetAsync(
        string id, ClaimsPrincipal user, RecipientService recipients, CancellationToken cancellationToken)
    {
        var recipient = long.TryParse(id, out var recipientId) ? await recipients.GetAsync(user.ClientId(), recipientId, cancellationToken) : null;
        return recipient is null ? RecipientNotFound.Result() : TypedResults.Ok(RecipientResponse.From(recipient));
    }

    private static async Task<Results<Ok<RecipientResponse>, JsonHttpResult<HookApiError>, JsonHttpResult<RecipientNotFound>>> UpdateAsync(
        string id, HttpRequest request, ClaimsPrincipal user, RecipientService recipients, CancellationToken cancellationToken)
    {
        var (body, _) = await JsonBody.ReadObjectAsync(request, allowEmpty: false, cancellationToken);
        if (body is null || !HookEndpoints.TryReadEnable(body.Root, out var enable))
        {
            return HookApiError.InvalidBody(HookApiError.InvalidPutBody);
        }

        var recipient = long.TryParse(id, out var recipientId) ? await recipients.SetEnabledAsync(user.ClientId(), recipientId, enable, cancellationToken) : null;
        return recipient is null ? RecipientNotFound.Result() : TypedResults.Ok(RecipientResponse.From(recipient));
    }

    /// <summary>200 with the deleted recipient (Stitch documents no body; the object is the useful answer).</summary>
    private static async Task<Results<Ok<RecipientResponse>, JsonHttpResult<RecipientNotFound>>> DeleteAsync(
        string id, ClaimsPrincipal user, RecipientService recipients, CancellationToken cancellationToken)
    {
        var recipient = long.TryParse(id, out var recipientId) ? await recipients.DeleteAsync(user.ClientId(), recipientId, cancellationToken) : null;
        return recipient is null ? RecipientNotFound.Result() : TypedResults.Ok(RecipientResponse.From(recipient));
    }
}
