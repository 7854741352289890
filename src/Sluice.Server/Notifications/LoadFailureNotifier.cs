using System.Globalization;
using System.Text;
using Sluice.Server.Loading;

namespace Sluice.Server.Notifications;

/// <summary>
/// A failing load, as Stitch's "Data loading error" (critical, replication): the in-app notification at the first failure,
/// and one email to the account's recipients when the failures have lasted <see cref="LoadingOptions.ErrorEmailDelay"/>.
/// Email off (no <c>Smtp:Host</c>) or no recipient: a log line says so. A failed send is logged; the load keeps retrying.
/// </summary>
public sealed class LoadFailureNotifier(
    NotificationService notifications,
    NotificationEmail email) : ILoadFailureNotifier
{
    public static string Title => NotificationKind.LoadingError.Title;

    public static readonly string Subject = "Sluice Notification - " + Title;

    public async Task LoadFailedAsync(LoadTarget target, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        await notifications.AddAsync(
            target.ClientId,
            NotificationKind.LoadingError,
            $"Loading integration '{target.Schema}' failed: {error} The data stays buffered and loads when the destination works again.",
            target.SourceId,
            cancellationToken);
    }

    public async Task RecordRejectedAsync(LoadTarget target, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        await notifications.AddAsync(target.ClientId, NotificationKind.RecordRejected, message, target.SourceId, cancellationToken);
    }

    public async Task LoadStillFailingAsync(LoadTarget target, string error, DateTimeOffset failingSince, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        await email.SendAsync(
            target.ClientId, string.Create(CultureInfo.InvariantCulture, $"source {target.SourceId}"), Subject, Body(target, error, failingSince), cancellationToken);
    }

    public static string Body(LoadTarget target, string error, DateTimeOffset failingSince)
    {
        ArgumentNullException.ThrowIfNull(target);
        var text = new StringBuilder();
        text.AppendLine("Sluice has not been able to load an integration into your destination.");
        text.AppendLine();
        text.AppendLine($"Integration:  {target.Schema}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Failing since: {failingSince.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
        text.AppendLine($"Last error:   {error}");
        text.AppendLine();
        text.AppendLine("Nothing is lost: Sluice keeps accepting events and holds them in its buffer, and retries the load until the");
        text.AppendLine("destination works again. Check that the database is up and that Sluice's user may create schemas and tables in it.");
        return text.ToString();
    }
}
