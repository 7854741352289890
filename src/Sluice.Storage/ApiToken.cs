namespace Sluice.Storage;

/// <summary>A bearer token of the Connect API. Only its SHA-256 is stored; the token itself is shown once.</summary>
public sealed class ApiToken
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public string? Name { get; set; }

    /// <summary>Lowercase hex SHA-256 of the token.</summary>
    public required string TokenHash { get; set; }

    /// <summary>The token's last 4 characters, to tell tokens apart in lists.</summary>
    public required string Hint { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
