namespace Sluice.Server.Notifications;

/// <summary>What became of one notification email; normal outcomes are values, the caller logs them in its own words.</summary>
public enum EmailOutcome
{
    /// <summary>Email is off: no <c>Smtp:Host</c>.</summary>
    Off,

    /// <summary>The account has no user and no enabled custom recipient.</summary>
    NoRecipients,

    Sent,

    /// <summary>The SMTP server could not be reached or refused the message (see <see cref="EmailResult.Error"/>).</summary>
    Failed,
}

public sealed record EmailResult(EmailOutcome Outcome, int Recipients = 0, Exception? Error = null);

/// <summary>One notification email to everyone who gets an account's notifications (<see cref="NotificationRecipients"/>).</summary>
public sealed class NotificationEmail(EmailSender email, NotificationRecipients recipients)
{
    /// <summary>Sends once; never throws for a refused or unreachable server (a retry could only send it twice).</summary>
    public async Task<EmailResult> SendAsync(long clientId, string subject, string body, CancellationToken cancellationToken)
    {
        if (!email.Enabled)
        {
            return new EmailResult(EmailOutcome.Off);
        }

        try
        {
            var to = await recipients.GetAddressesAsync(clientId, cancellationToken);
            if (to.Count == 0)
            {
                return new EmailResult(EmailOutcome.NoRecipients);
            }

            await email.SendAsync(to, subject, body, cancellationToken);
            return new EmailResult(EmailOutcome.Sent, to.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new EmailResult(EmailOutcome.Failed, Error: ex);
        }
    }
}
