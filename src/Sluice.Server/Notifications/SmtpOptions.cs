namespace Sluice.Server.Notifications;

/// <summary>
/// Notification email through SMTP (section <c>Smtp</c>). Email is off while <see cref="Host"/> is empty: notifications are
/// then in-app only and the log says so.
/// </summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    /// <summary>The SMTP server; empty (default) turns email off.</summary>
    public string? Host { get; set; }

    /// <summary>Default 587 (submission with STARTTLS); 465 means TLS from the first byte.</summary>
    public int Port { get; set; } = 587;

    /// <summary>TLS: STARTTLS, or implicit TLS on port 465. Default true; false sends in clear (local relays, tests).</summary>
    public bool UseTls { get; set; } = true;

    /// <summary>Login, when the server needs one. Default none.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// The sender, e.g. <c>sluice@example.com</c>, <c>sluice@localhost</c> (a local mail server) or
    /// <c>Sluice &lt;sluice@example.com&gt;</c>: any one address MailKit parses; required when <see cref="Host"/> is set.
    /// </summary>
    public string? From { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>Whether <paramref name="from"/> is one mailbox as MailKit reads it (what the sender will put in the From header).</summary>
    public static bool IsValidSender(string? from) =>
        !string.IsNullOrWhiteSpace(from)
        && MimeKit.InternetAddressList.TryParse(from.Trim(), out var addresses)
        && addresses is [MimeKit.MailboxAddress mailbox]
        && mailbox.Address.Contains('@', StringComparison.Ordinal);
}
