namespace Sluice.Server.Notifications;

/// <summary>Everyone who gets an account's notification email: every <see cref="INotificationRecipientSource"/>, each address once.</summary>
public sealed class NotificationRecipients(IEnumerable<INotificationRecipientSource> sources)
{
    public async Task<IReadOnlyList<string>> GetAddressesAsync(long clientId, CancellationToken cancellationToken)
    {
        var addresses = new List<string>();
        foreach (var source in sources)
        {
            addresses.AddRange(await source.GetAddressesAsync(clientId, cancellationToken));
        }

        return addresses.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}
