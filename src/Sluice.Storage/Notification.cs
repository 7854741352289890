namespace Sluice.Storage;

/// <summary>
/// An in-app notification of an account (load errors, undeliverable hooks), visible to every user of the account until
/// dismissed. Levels and categories follow BEHAVIOUR.md §9.
/// </summary>
public sealed class Notification
{
    public const string Warning = "warning";
    public const string Critical = "critical";
    public const string Delay = "delay";

    public long Id { get; set; }

    public long AccountId { get; set; }

    /// <summary><see cref="Warning"/>, <see cref="Critical"/> or <see cref="Delay"/>.</summary>
    public required string Level { get; set; }

    /// <summary>account, integration, destination, replication or internal.</summary>
    public required string Category { get; set; }

    /// <summary>A stable code such as <c>loading-error</c> or <c>undeliverable-post-load</c>.</summary>
    public required string Code { get; set; }

    public required string Title { get; set; }

    public required string Message { get; set; }

    /// <summary>The source it is about, when there is one.</summary>
    public long? SourceId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? DismissedAt { get; set; }
}
