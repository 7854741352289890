using Microsoft.EntityFrameworkCore;
using Sluice.Storage;

namespace Sluice.Server.Notifications;

/// <summary>In-app notifications of an account: created by the loader and the hook dispatcher, read and dismissed by users.</summary>
public sealed class NotificationService(IDbContextFactory<ControlDbContext> contexts, TimeProvider time)
{
    /// <summary>Raises a notification of <paramref name="kind"/> for the account, about <paramref name="sourceId"/> when given.</summary>
    public async Task<Notification> AddAsync(long clientId, NotificationKind kind, string message, long? sourceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var notification = Stage(db, clientId, kind, message, sourceId);
        await db.SaveChangesAsync(cancellationToken);
        return notification;
    }

    /// <summary>
    /// Adds the notification to <paramref name="db"/> without saving, for a caller that writes it in its own transaction
    /// (the hook dispatcher, with the delivery that failed).
    /// </summary>
    public Notification Stage(ControlDbContext db, long clientId, NotificationKind kind, string message, long? sourceId)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(kind);
        var notification = new Notification
        {
            AccountId = clientId,
            Level = kind.Level,
            Category = kind.Category,
            Code = kind.Code,
            Title = kind.Title,
            Message = message,
            SourceId = sourceId,
            CreatedAt = ControlClock.Now(time),
        };
        db.Notifications.Add(notification);
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

        notification.DismissedAt ??= ControlClock.Now(time);
        await db.SaveChangesAsync(cancellationToken);
        return notification;
    }
}
