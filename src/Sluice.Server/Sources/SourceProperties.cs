using System.Globalization;
using System.Text.Json;
using Sluice.Core.Sources;
using Sluice.Server.Api;

namespace Sluice.Server.Sources;

/// <summary>
/// <c>properties</c> of an Incoming Webhooks source: <c>webhookz_primary_key</c> (Stitch's) and Sluice's table layout,
/// <c>table_from</c> (string), <c>capture_headers</c> (array of header names, or one comma-separated string) and
/// <c>max_depth</c> (integer). Each is "present" when the request names it; null clears a layout property.
/// Scheduling, table selection and the like do not exist for webhook sources, so they are refused rather than ignored.
/// </summary>
internal sealed record SourceProperties
{
    public const string TableFrom = "table_from";
    public const string CaptureHeaders = "capture_headers";
    public const string MaxDepth = "max_depth";

    private static readonly string[] Known = [SourceTypes.PrimaryKeyProperty, TableFrom, CaptureHeaders, MaxDepth, SourceTypes.SigningSecretProperty];

    public bool HasPrimaryKey { get; init; }

    public string? PrimaryKey { get; init; }

    public bool HasTableFrom { get; init; }

    public string? TableFromValue { get; init; }

    public bool HasCaptureHeaders { get; init; }

    public IReadOnlyList<string>? CaptureHeadersValue { get; init; }

    public bool HasMaxDepth { get; init; }

    public int? MaxDepthValue { get; init; }

    /// <summary>True when the request named signing_secret (write-only; null removes it).</summary>
    public bool HasSigningSecret { get; init; }

    public string? SigningSecret { get; init; }

    public static bool TryRead(JsonElement? properties, out SourceProperties read, out string? error)
    {
        read = new SourceProperties();
        error = null;
        if (properties is not { } props)
        {
            return true;
        }

        foreach (var property in props.EnumerateObject())
        {
            if (!Known.Contains(property.Name, StringComparer.Ordinal))
            {
                error = $"Unknown property '{property.Name}'; webhook sources accept {string.Join(", ", Known)} "
                    + "(webhook sources have no scheduling, table or column selection).";
                return false;
            }
        }

        if (!JsonBody.TryGetString(props, SourceTypes.PrimaryKeyProperty, "properties." + SourceTypes.PrimaryKeyProperty, out var primaryKey, out error)
            || !JsonBody.TryGetString(props, TableFrom, "properties." + TableFrom, out var tableFrom, out error)
            || !JsonBody.TryGetString(props, SourceTypes.SigningSecretProperty, "properties." + SourceTypes.SigningSecretProperty, out var signingSecret, out error)
            || !TryReadHeaders(props, out var headers, out error)
            || !TryReadDepth(props, out var depth, out error))
        {
            return false;
        }

        read = new SourceProperties
        {
            HasPrimaryKey = props.TryGetProperty(SourceTypes.PrimaryKeyProperty, out _),
            PrimaryKey = primaryKey,
            HasTableFrom = props.TryGetProperty(TableFrom, out _),
            TableFromValue = tableFrom,
            HasCaptureHeaders = props.TryGetProperty(CaptureHeaders, out _),
            CaptureHeadersValue = headers,
            HasMaxDepth = props.TryGetProperty(MaxDepth, out _),
            MaxDepthValue = depth,
            HasSigningSecret = props.TryGetProperty(SourceTypes.SigningSecretProperty, out _),
            SigningSecret = signingSecret,
        };
        return true;
    }

    private static bool TryReadHeaders(JsonElement props, out IReadOnlyList<string>? headers, out string? error)
    {
        headers = null;
        error = null;
        if (!props.TryGetProperty(CaptureHeaders, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            headers = element.GetString()!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return true;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            error = $"Field 'properties.{CaptureHeaders}' must be an array of header names (or one comma-separated string), not {element.ValueKind.ToString().ToLowerInvariant()}.";
            return false;
        }

        var list = new List<string>();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                error = $"Field 'properties.{CaptureHeaders}[{index}]' must be a header name (a string), not {item.ValueKind.ToString().ToLowerInvariant()}.";
                return false;
            }

            list.Add(item.GetString()!);
            index++;
        }

        headers = list;
        return true;
    }

    private static bool TryReadDepth(JsonElement props, out int? depth, out string? error)
    {
        depth = null;
        error = null;
        if (!props.TryGetProperty(MaxDepth, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var number))
        {
            depth = number;
            return true;
        }

        if (element.ValueKind == JsonValueKind.String && int.TryParse(element.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            depth = number;
            return true;
        }

        error = $"Field 'properties.{MaxDepth}' must be a whole number from 0 to {SourceLayout.MaxDepthLimit} (or null for no limit), not {element.GetRawText()}.";
        return false;
    }
}
