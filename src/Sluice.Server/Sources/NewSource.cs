using Sluice.Core.Sources;

namespace Sluice.Server.Sources;

/// <summary>
/// What a user asks for when creating a source. <paramref name="Name"/> (schema) is derived from the display name when null.
/// The layout properties are validated with <see cref="SourceLayout.Validate"/>; those left null take the integration's
/// defaults (<see cref="Sluice.Core.Integrations.Integration.Layout"/>).
/// </summary>
public sealed record NewSource(string DisplayName, string Type, string? Name, string? PrimaryKey)
{
    public string? TableFrom { get; init; }

    public IReadOnlyList<string>? CaptureHeaders { get; init; }

    public int? MaxDepth { get; init; }

    /// <summary>A branded integration's signing secret (write-only), or null: requests are not checked until one is set.</summary>
    public string? SigningSecret { get; init; }
}
