using System.Text.Json;

namespace Sluice.Cli.Api;

/// <summary>Reading fields of API objects for text output, tolerant of fields a server version lacks.</summary>
public static class JsonFields
{
    /// <summary>The field as text (see <see cref="CliOutput.Cell"/>), or an empty string when absent.</summary>
    public static string Text(this JsonElement obj, string name)
    {
        return obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) ? CliOutput.Cell(value) : string.Empty;
    }

    /// <summary>The field as text, or <paramref name="whenNull"/> when absent or null.</summary>
    public static string Text(this JsonElement obj, string name, string whenNull)
    {
        return obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? CliOutput.Cell(value)
            : whenNull;
    }

    public static IEnumerable<JsonElement> Items(this JsonElement array)
    {
        return array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];
    }
}
