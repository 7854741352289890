using Sluice.Server.Loading;
using Sluice.Storage;

namespace Sluice.Server.Notifications;

/// <summary>The in-app side of a failing load: Stitch's "Data loading error" (critical, replication).</summary>
public sealed class LoadFailureNotifier(NotificationService notifications) : ILoadFailureNotifier
{
    public async Task LoadFailedAsync(LoadTarget target, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        await notifications.AddAsync(
            target.ClientId,
            Notification.Critical,
            "replication",
            "loading-error",
            "We're having trouble writing to your data warehouse",
            $"Loading integration '{target.Schema}' failed: {error} The data stays buffered and loads when the destination works again.",
            target.SourceId,
            cancellationToken);
    }
}
