using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Server.Accounts;
using Sluice.Server.Api;
using Sluice.Server.ApiReference;

namespace Sluice.Server.Notifications;

/// <summary><c>/v4/notifications</c> (beyond Stitch's API): the account's in-app notifications.</summary>
internal static class NotificationEndpoints
{
    public static RouteGroupBuilder MapNotificationEndpoints(this RouteGroupBuilder v4)
    {
        v4.MapGet("/notifications", ListAsync).WithTags(ApiTags.Notifications)
            .WithSummary("List in-app notifications").WithDescription("Load failures and undeliverable post-load hooks, newest first; `all=true` includes dismissed ones.");
        v4.MapPost("/notifications/{id:long}/dismiss", DismissAsync).WithTags(ApiTags.Notifications).WithSummary("Dismiss a notification");
        return v4;
    }

    private static async Task<Ok<NotificationResponse[]>> ListAsync(
        ClaimsPrincipal user, NotificationService notifications, bool? all, CancellationToken cancellationToken)
    {
        var list = await notifications.ListAsync(user.ClientId(), all ?? false, 200, cancellationToken);
        return TypedResults.Ok(list.Select(NotificationResponse.From).ToArray());
    }

    private static async Task<Results<Ok<NotificationResponse>, NotFound<ApiError>>> DismissAsync(
        long id, ClaimsPrincipal user, NotificationService notifications, CancellationToken cancellationToken)
    {
        var dismissed = await notifications.DismissAsync(user.ClientId(), id, cancellationToken);
        return dismissed is null
            ? ApiError.NotFound($"Notification {id} was not found.")
            : TypedResults.Ok(NotificationResponse.From(dismissed));
    }
}
