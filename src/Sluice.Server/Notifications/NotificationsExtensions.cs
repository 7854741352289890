namespace Sluice.Server.Notifications;

public static class NotificationsExtensions
{
    /// <summary>
    /// Notifications (email in section <c>Smtp</c>): the in-app notifications, the email sender, who gets email (the account's
    /// users and its custom recipients), the load-failure notice the loader raises, and the custom-recipient service the API
    /// manages. Independent of the other features' registrations and of their order.
    /// </summary>
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SmtpOptions>()
            .Bind(builder.Configuration.GetSection(SmtpOptions.Section))
            .Validate(o => !o.Enabled || o.Port is > 0 and <= 65535, "Smtp:Port must be from 1 to 65535, e.g. 587.")
            .Validate(
                o => !o.Enabled || SmtpOptions.IsValidSender(o.From),
                "Smtp:From must be one sender address that MailKit can parse, such as sluice@example.com, sluice@localhost or \"Sluice <sluice@example.com>\", when Smtp:Host is set.")
            .ValidateOnStart();

        builder.Services.AddSingleton<NotificationService>();
        builder.Services.AddSingleton<EmailSender>();
        builder.Services.AddSingleton<RecipientService>();
        builder.Services.AddSingleton<INotificationRecipientSource, UserRecipientSource>();
        builder.Services.AddSingleton<INotificationRecipientSource, CustomEmailRecipientSource>();
        builder.Services.AddSingleton<NotificationRecipients>();
        builder.Services.AddSingleton<NotificationEmail>();
        builder.Services.AddSingleton<Loading.ILoadFailureNotifier, LoadFailureNotifier>();
        return builder;
    }
}
