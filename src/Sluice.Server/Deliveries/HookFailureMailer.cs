using System.Globalization;
using System.Text;
using Sluice.Server.Notifications;

namespace Sluice.Server.Deliveries;

/// <summary>
/// The email side of a delivery that failed for good (the in-app notification is written with the outcome): one message to
/// the account's recipients, subject <see cref="Subject"/>, naming the hook URL, the table and the last error. Email off
/// (no <c>Smtp:Host</c>) or no recipient: a log line says so. A send that fails is logged, never retried into duplicates.
/// </summary>
public sealed class HookFailureMailer(NotificationEmail email)
{
    public const string Subject = "Sluice Notification - Unable to Deliver Post Load Notification";

    public async Task NotifyAsync(FailedDelivery failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        await email.SendAsync(
            failure.AccountId, string.Create(CultureInfo.InvariantCulture, $"delivery {failure.DeliveryId}"), Subject, Body(failure), cancellationToken);
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
}
