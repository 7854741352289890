namespace Sluice.Storage;

/// <summary>An integration (e.g. Incoming Webhooks) of an account, loading into schema <see cref="Name"/>.</summary>
public sealed class Source
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>The destination schema name; immutable, unique per account among sources not deleted.</summary>
    public required string Name { get; set; }

    /// <summary>Source type, e.g. <c>webhook.incoming-webhook</c>.</summary>
    public required string Type { get; set; }

    /// <summary>Top-level field that identifies a record (upsert), or null (append-only); immutable.</summary>
    public string? PrimaryKey { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? PausedAt { get; set; }

    public DateTime? DeletedAt { get; set; }
}
