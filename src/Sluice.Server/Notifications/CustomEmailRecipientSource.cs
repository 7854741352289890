namespace Sluice.Server.Notifications;

/// <summary>The account's enabled custom notification emails (Connect <c>/custom-emails</c>).</summary>
public sealed class CustomEmailRecipientSource(RecipientService recipients) : INotificationRecipientSource
{
    public Task<IReadOnlyList<string>> GetAddressesAsync(long clientId, CancellationToken cancellationToken) =>
        recipients.EnabledAddressesAsync(clientId, cancellationToken);
}
