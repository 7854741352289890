using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary>How a source reads in text output, shared by the source commands.</summary>
internal static class SourceText
{
    public static string PrimaryKey(JsonElement source)
    {
        return source.TryGetProperty("properties", out var properties) ? properties.Text("webhookz_primary_key", string.Empty) : string.Empty;
    }

    public static string Status(JsonElement source)
    {
        if (source.Text("deleted_at", string.Empty).Length > 0)
        {
            return "deleted";
        }

        return source.Text("paused_at", string.Empty).Length > 0 ? "paused" : "active";
    }

    public static string Describe(JsonElement source)
    {
        var key = PrimaryKey(source);
        return $"source {source.Text("id")} \"{source.Text("display_name")}\" (schema {source.Text("name")}, {(key.Length > 0 ? "primary key " + key : "no primary key: append-only")})";
    }

    public const string DefaultLayout = "every record in data";

    /// <summary>The source's layout properties in words: table_from, capture_headers, max_depth.</summary>
    public static string Layout(JsonElement source)
    {
        if (!source.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return DefaultLayout;
        }

        var parts = new List<string>();
        parts.Add(properties.Text("table_from", string.Empty) is { Length: > 0 } route ? $"a root table per {route}" : DefaultLayout);
        if (properties.TryGetProperty("capture_headers", out var headers) && headers.ValueKind == JsonValueKind.Array && headers.GetArrayLength() > 0)
        {
            parts.Add("headers kept: " + string.Join(", ", headers.EnumerateArray().Select(h => h.GetString())));
        }

        if (properties.Text("max_depth", string.Empty) is { Length: > 0 } depth)
        {
            parts.Add($"JSON below depth {depth}");
        }

        return string.Join("; ", parts);
    }

    public static IEnumerable<(string Field, string Value)> Fields(JsonElement source)
    {
        yield return ("id", source.Text("id"));
        yield return ("display_name", source.Text("display_name"));
        yield return ("schema", source.Text("name"));
        yield return ("type", source.Text("type"));
        yield return ("primary_key", PrimaryKey(source) is { Length: > 0 } key ? key : "(none: append-only)");
        yield return ("status", Status(source));
        yield return ("layout", Layout(source));
        yield return ("reload_requested_at", source.Text("reload_requested_at", "-"));
        yield return ("created_at", source.Text("created_at"));
        yield return ("updated_at", source.Text("updated_at"));
        yield return ("paused_at", source.Text("paused_at", "-"));
    }
}
