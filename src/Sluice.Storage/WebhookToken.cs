namespace Sluice.Storage;

/// <summary>The secret part of a webhook URL. Only its SHA-256 is stored; at most 2 live per source.</summary>
public sealed class WebhookToken
{
    public long Id { get; set; }

    public long SourceId { get; set; }

    /// <summary>Lowercase hex SHA-256 of the 64-hex-character token.</summary>
    public required string TokenHash { get; set; }

    public required string Hint { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
