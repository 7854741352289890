using Sluice.Storage;

namespace Sluice.Server.Notifications;

/// <summary>An in-app notification as <c>GET /v4/notifications</c> returns it.</summary>
public sealed record NotificationResponse(
    long Id, string Level, string Category, string Code, string Title, string Message, long? SourceId, DateTime CreatedAt, DateTime? DismissedAt)
{
    public static NotificationResponse From(Notification n)
    {
        ArgumentNullException.ThrowIfNull(n);
        return new(n.Id, n.Level, n.Category, n.Code, n.Title, n.Message, n.SourceId, n.CreatedAt, n.DismissedAt);
    }
}
