namespace Sluice.Server.Notifications;

/// <summary>
/// One notification email to everyone who gets an account's notifications (<see cref="NotificationRecipients"/>), with its
/// outcome logged: email off (no <c>Smtp:Host</c>), no recipient, sent, or the server unreachable or refusing it.
/// </summary>
public sealed partial class NotificationEmail(EmailSender email, NotificationRecipients recipients, ILogger<NotificationEmail> logger)
{
    /// <summary>
    /// Sends once; never throws for a refused or unreachable server (a retry could only send it twice).
    /// <paramref name="about"/> names what it is about in the log, e.g. <c>delivery 12</c>.
    /// </summary>
    public async Task SendAsync(long clientId, string about, string subject, string body, CancellationToken cancellationToken)
    {
        if (!email.Enabled)
        {
            LogEmailOff(logger, subject, about, clientId);
            return;
        }

        try
        {
            var to = await recipients.GetAddressesAsync(clientId, cancellationToken);
            if (to.Count == 0)
            {
                LogNoRecipients(logger, subject, about, clientId);
                return;
            }

            await email.SendAsync(to, subject, body, cancellationToken);
            LogSent(logger, subject, about, to.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSendFailed(logger, subject, about, clientId, ex);
        }
    }

    [LoggerMessage(EventId = LogEvents.Email.EmailOff, Level = LogLevel.Warning, Message = "Email is off (Smtp:Host is not set): \"{Subject}\" ({About}, account {ClientId}) is notified in-app only")]
    private static partial void LogEmailOff(ILogger logger, string subject, string about, long clientId);

    [LoggerMessage(EventId = LogEvents.Email.NoRecipients, Level = LogLevel.Warning, Message = "Account {ClientId} has no email recipient: \"{Subject}\" ({About}) is notified in-app only")]
    private static partial void LogNoRecipients(ILogger logger, string subject, string about, long clientId);

    [LoggerMessage(EventId = LogEvents.Email.Sent, Level = LogLevel.Information, Message = "Emailed \"{Subject}\" ({About}) to {Count} recipient(s)")]
    private static partial void LogSent(ILogger logger, string subject, string about, int count);

    [LoggerMessage(EventId = LogEvents.Email.SendFailed, Level = LogLevel.Error, Message = "Could not email \"{Subject}\" ({About}, account {ClientId}); the in-app notification exists")]
    private static partial void LogSendFailed(ILogger logger, string subject, string about, long clientId, Exception exception);
}
