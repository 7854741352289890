using Microsoft.EntityFrameworkCore;
using Sluice.Storage;

namespace Sluice.Server.Notifications;

/// <summary>In-app notifications of an account: created by the loader and the hook dispatcher, read and dismissed by users.</summary>
public sealed class NotificationService(IDbContextFactory<ControlDbContext> contexts, TimeProvider time)
{
    public async Task<Notification> AddAsync(long clientId, string level, string category, string code, string title, string message, long? sourceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var notification = new Notification
        {
            AccountId = clientId,
            Level = level,
            Category = category,
            Code = code,
            Title = title,
            Message = message,
            SourceId = sourceId,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync(cancellationToken);
        return notification;
    }

    /// <summary>The account's notifications, newest first; dismissed ones only when asked for.</summary>
    public async Task<IReadOnlyList<Notification>> ListAsync(long clientId, bool includeDismissed, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Notifications.AsNoTracking().Where(n => n.AccountId == clientId);
        if (!includeDismissed)
        {
            query = query.Where(n => n.DismissedAt == null);
        }

        return await query.OrderByDescending(n => n.Id).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>How many of the account's notifications are not dismissed (the count beside Notifications in the navigation).</summary>
    public async Task<int> CountOpenAsync(long clientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Notifications.AsNoTracking().CountAsync(n => n.AccountId == clientId && n.DismissedAt == null, cancellationToken);
    }

    /// <summary>Dismisses one notification of the account; null when the account has no such notification.</summary>
    public async Task<Notification?> DismissAsync(long clientId, long notificationId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var notification = await db.Notifications.FirstOrDefaultAsync(n => n.Id == notificationId && n.AccountId == clientId, cancellationToken);
        if (notification is null)
        {
            return null;
        }

        notification.DismissedAt ??= time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return notification;
    }
}
