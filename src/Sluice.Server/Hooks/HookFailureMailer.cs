using System.Text;
using Sluice.Server.Notifications;

namespace Sluice.Server.Hooks;

/// <summary>
/// The email side of a delivery that failed for good (the in-app notification is written with the outcome): one message to
/// the account's recipients, subject <see cref="Subject"/>, naming the hook URL, the table and the last error. Email off
/// (no <c>Smtp:Host</c>) or no recipient: a log line says so. A send that fails is logged, never retried into duplicates.
/// </summary>
public sealed partial class HookFailureMailer(NotificationEmail email, ILogger<HookFailureMailer> logger)
{
    public const string Subject = "Sluice Notification - Unable to Deliver Post Load Notification";

    public async Task NotifyAsync(FailedDelivery failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var result = await email.SendAsync(failure.AccountId, Subject, Body(failure), cancellationToken);
        switch (result.Outcome)
        {
            case EmailOutcome.Off:
                LogEmailOff(logger, failure.DeliveryId, failure.AccountId);
                break;
            case EmailOutcome.NoRecipients:
                LogNoRecipients(logger, failure.DeliveryId, failure.AccountId);
                break;
            case EmailOutcome.Sent:
                LogSent(logger, failure.DeliveryId, result.Recipients);
                break;
            default:
                LogSendFailed(logger, failure.DeliveryId, failure.AccountId, result.Error);
                break;
        }
    }

    public static string Body(FailedDelivery failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var text = new StringBuilder();
        text.AppendLine("Sluice could not deliver a post-load notification.");
        text.AppendLine();
        text.AppendLine($"Webhook URL:  {failure.HookUrl}");
        text.AppendLine($"Integration:  {failure.Integration}");
        text.AppendLine($"Table:        {failure.RootTable}");
        text.AppendLine($"Attempts:     {failure.Attempts}");
        text.AppendLine($"Last error:   {failure.LastError}");
        text.AppendLine($"Delivery:     {failure.DeliveryId} (webhook-id {failure.WebhookId})");
        text.AppendLine();
        text.AppendLine("The data itself was loaded; only the notification to your webhook failed. Check that the webhook service is up and");
        text.AppendLine("answers 2xx within the timeout, then send the notification again from the delivery log (sluice hooks replay).");
        return text.ToString();
    }

    [LoggerMessage(EventId = 5110, Level = LogLevel.Warning, Message = "Email is off (Smtp:Host is not set): delivery {DeliveryId} of account {ClientId} failed for good and is notified in-app only")]
    private static partial void LogEmailOff(ILogger logger, long deliveryId, long clientId);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} of account {ClientId} failed for good; the account has no email recipient, so it is notified in-app only")]
    private static partial void LogNoRecipients(ILogger logger, long deliveryId, long clientId);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Information, Message = "Emailed {Count} recipient(s) that delivery {DeliveryId} failed for good")]
    private static partial void LogSent(ILogger logger, long deliveryId, int count);

    [LoggerMessage(EventId = 5113, Level = LogLevel.Error, Message = "Could not email that delivery {DeliveryId} of account {ClientId} failed for good (the in-app notification exists)")]
    private static partial void LogSendFailed(ILogger logger, long deliveryId, long clientId, Exception? exception);
}
