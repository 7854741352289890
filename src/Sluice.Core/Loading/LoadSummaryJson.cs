using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Core.Loading;

/// <summary>The <c>tables</c> column of <c>_sluice_loads</c>: per-table stats as snake_case JSON, the same in every destination.</summary>
public static class LoadSummaryJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Serialize(IReadOnlyList<TableLoadStats> tables) => JsonSerializer.Serialize(tables, Options);

    public static IReadOnlyList<TableLoadStats> Deserialize(string json) =>
        (IReadOnlyList<TableLoadStats>?)JsonSerializer.Deserialize<List<TableLoadStats>>(json, Options)?
            .Select(t => t with { MaxReceivedAt = t.MaxReceivedAt is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null })
            .ToList()
        ?? [];
}
