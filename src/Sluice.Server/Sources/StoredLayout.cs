using System.Text.Json;
using Sluice.Core.Sources;
using Sluice.Storage;

namespace Sluice.Server.Sources;

/// <summary>A source's layout (table_from, capture_headers, max_depth) as the control plane stores it, and back.</summary>
public static class StoredLayout
{
    /// <summary>The layout of a stored source; a value that no longer parses counts as absent (it was validated when stored).</summary>
    public static SourceLayout Of(string? tableFrom, string? captureHeaders, int? maxDepth)
    {
        if (tableFrom is null && captureHeaders is null && maxDepth is null)
        {
            return SourceLayout.Default;
        }

        var route = tableFrom is null ? null : TableRoute.Parse(tableFrom, out _);
        return new SourceLayout(route, Headers(captureHeaders), maxDepth);
    }

    public static SourceLayout Of(Source source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Of(source.TableFrom, source.CaptureHeaders, source.MaxDepth);
    }

    /// <summary>The captured header names stored as a JSON array; empty when none.</summary>
    public static IReadOnlyList<string> Headers(string? captureHeaders) =>
        captureHeaders is null ? [] : JsonSerializer.Deserialize<string[]>(captureHeaders) ?? [];

    /// <summary>Stores a validated layout's three properties on <paramref name="source"/>.</summary>
    public static void Store(Source source, SourceLayout layout)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(layout);
        source.TableFrom = layout.TableFrom?.ToString();
        source.CaptureHeaders = layout.CaptureHeaders.Count == 0 ? null : JsonSerializer.Serialize(layout.CaptureHeaders);
        source.MaxDepth = layout.MaxDepth;
    }

    /// <summary>
    /// Null when <paramref name="primaryKey"/> fits the layout: a primary key naming a captured header's column
    /// (<c>_sdc_header_x_github_delivery</c>) needs that header in capture_headers.
    /// </summary>
    public static string? PrimaryKeyError(string? primaryKey, SourceLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (primaryKey is null || !primaryKey.StartsWith(SourceLayout.HeaderColumnPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        return layout.CaptureHeaders.Any(h => SourceLayout.HeaderColumn(h) == primaryKey)
            ? null
            : $"webhookz_primary_key '{primaryKey}' is a captured header's column, but no header in capture_headers becomes it " +
              $"(capture_headers: [{string.Join(", ", layout.CaptureHeaders)}]); add the header, e.g. X-GitHub-Delivery for _sdc_header_x_github_delivery.";
    }
}
