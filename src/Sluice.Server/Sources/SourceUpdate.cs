namespace Sluice.Server.Sources;

/// <summary>
/// A change to a source. Null members are left alone. <see cref="Name"/>, <see cref="Type"/> and the primary key
/// are immutable: they may be sent only with their current values.
/// </summary>
public sealed record SourceUpdate
{
    public string? DisplayName { get; init; }

    public bool? Paused { get; init; }

    public string? Name { get; init; }

    public string? Type { get; init; }

    /// <summary>True when the request said anything about the primary key (even null).</summary>
    public bool HasPrimaryKey { get; init; }

    public string? PrimaryKey { get; init; }

    /// <summary>True when the request said anything about table_from; null then clears it.</summary>
    public bool HasTableFrom { get; init; }

    public string? TableFrom { get; init; }

    /// <summary>True when the request said anything about capture_headers; null then clears them.</summary>
    public bool HasCaptureHeaders { get; init; }

    public IReadOnlyList<string>? CaptureHeaders { get; init; }

    /// <summary>True when the request said anything about max_depth; null then removes the limit.</summary>
    public bool HasMaxDepth { get; init; }

    public int? MaxDepth { get; init; }

    /// <summary>True when the request said anything about signing_secret: a new secret (the old one stays valid for a day), or null to remove it.</summary>
    public bool HasSigningSecret { get; init; }

    public string? SigningSecret { get; init; }
}
