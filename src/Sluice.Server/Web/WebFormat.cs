using System.Globalization;
using System.Text.Json;

namespace Sluice.Server.Web;

/// <summary>How pages write times, counts and JSON: UTC times to the second, counts with thousands separators.</summary>
public static class WebFormat
{
    public static string When(DateTime? utc, string never = "Never") =>
        utc is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : never;

    public static string When(string? iso, string never = "Never") =>
        iso is not null && DateTime.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? When(t, never)
            : never;

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Json(JsonElement value) => JsonSerializer.Serialize(value, Indented);

    public static string Cell(object? value) => value switch
    {
        null => "NULL",
        DateTime t => When(t),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        string s => s,
        _ => JsonSerializer.Serialize(value),
    };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
