namespace Sluice.Server.Notifications;

/// <summary>
/// One kind of notification email recipient of an account: custom emails today, the account's users when they arrive.
/// Register more with <c>services.AddSingleton&lt;INotificationRecipientSource, ...&gt;()</c>; <see cref="NotificationRecipients"/> merges them.
/// </summary>
public interface INotificationRecipientSource
{
    Task<IReadOnlyList<string>> GetAddressesAsync(long clientId, CancellationToken cancellationToken);
}
