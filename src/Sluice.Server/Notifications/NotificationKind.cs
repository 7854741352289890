using Sluice.Storage;

namespace Sluice.Server.Notifications;

/// <summary>
/// A kind of in-app notification: its level and category (BEHAVIOUR.md §9), its stable code (what API clients filter on)
/// and its title. Every notification Sluice raises is one of these, through <see cref="NotificationService"/>.
/// </summary>
public sealed record NotificationKind(string Level, string Category, string Code, string Title)
{
    /// <summary>A load failed (Stitch's "Data loading error"); the data stays buffered and the load is retried.</summary>
    public static readonly NotificationKind LoadingError =
        new(Notification.Critical, "replication", "loading-error", "We're having trouble writing to your data warehouse");

    /// <summary>One record could not be loaded even on its own and went to <c>_sdc_rejected</c>.</summary>
    public static readonly NotificationKind RecordRejected =
        new(Notification.Warning, "replication", "record-rejected", "A record could not be loaded");

    /// <summary>A post-load hook delivery failed for good (its last attempt, or an address that is refused).</summary>
    public static readonly NotificationKind UndeliverablePostLoad =
        new(Notification.Warning, "replication", "undeliverable-post-load", "Unable to deliver post-load hook");
}
