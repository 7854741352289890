using Microsoft.AspNetCore.Mvc;
using Sluice.Server.Notifications;
using Sluice.Storage;

namespace Sluice.Server.Web.Pages;

/// <summary>In-app notifications (load errors, undeliverable hooks), newest first; each can be dismissed.</summary>
public sealed class NotificationsModel(NotificationService notifications) : WebPage
{
    private const int Limit = 200;

    [FromQuery(Name = "all")]
    public bool ShowDismissed { get; set; }

    public IReadOnlyList<Notification> Items { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Items = await notifications.ListAsync(ClientId, ShowDismissed, Limit, cancellationToken);

    public async Task<IActionResult> OnPostDismissAsync(long notificationId, CancellationToken cancellationToken) =>
        await notifications.DismissAsync(ClientId, notificationId, cancellationToken) is null ? NotFound() : Done("Dismissed.");
}
