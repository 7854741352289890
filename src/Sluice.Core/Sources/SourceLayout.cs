using System.Text;

namespace Sluice.Core.Sources;

/// <summary>Where a routed record's root table name comes from: a request header or a field of the record.</summary>
public enum TableRouteKind
{
    /// <summary><c>header:&lt;Name&gt;</c>: the value of a request header (e.g. <c>X-GitHub-Event</c>).</summary>
    Header,

    /// <summary><c>field:&lt;dotted.path&gt;</c>: a scalar inside the record (e.g. <c>type</c>, <c>data.object.object</c>).</summary>
    Field,

    /// <summary><c>table:&lt;name&gt;</c>: every record into one named root table instead of <c>data</c> (SendGrid's <c>events</c>).</summary>
    Table,
}

/// <summary>
/// The source property <c>table_from</c>: one root table per distinct value of a header or a field (issue 16 part 5).
/// Written <c>header:X-GitHub-Event</c> or <c>field:data.object.object</c>.
/// </summary>
public sealed record TableRoute(TableRouteKind Kind, string Name)
{
    public const string HeaderPrefix = "header:";
    public const string FieldPrefix = "field:";
    public const string TablePrefix = "table:";

    /// <summary>The field path split at its dots; only for <see cref="TableRouteKind.Field"/>.</summary>
    public IReadOnlyList<string> FieldPath => Kind == TableRouteKind.Field ? Name.Split('.') : [];

    /// <summary>The header's name lowercased, as the buffer keeps captured headers; only for <see cref="TableRouteKind.Header"/>.</summary>
    public string HeaderKey => Name.ToLowerInvariant();

    public override string ToString() => Kind switch
    {
        TableRouteKind.Header => HeaderPrefix,
        TableRouteKind.Field => FieldPrefix,
        _ => TablePrefix,
    } + Name;

    /// <summary>Parses <paramref name="text"/>; null with a specific reason (what, what is allowed) when it is not a route.</summary>
    public static TableRoute? Parse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        if (text.StartsWith(HeaderPrefix, StringComparison.Ordinal))
        {
            var name = text[HeaderPrefix.Length..];
            if (SourceLayout.HeaderNameError(name, "table_from") is { } headerError)
            {
                error = headerError;
                return null;
            }

            return new TableRoute(TableRouteKind.Header, name);
        }

        if (text.StartsWith(FieldPrefix, StringComparison.Ordinal))
        {
            var path = text[FieldPrefix.Length..];
            if (path.Length == 0 || path.Split('.').Any(p => p.Length == 0))
            {
                error = $"table_from '{text}' names an empty field; write field:<name> or field:<dotted.path>, e.g. field:type or field:data.object.object.";
                return null;
            }

            if (path.Length > SourceLayout.MaxFieldPathLength)
            {
                error = $"table_from '{text}' is {path.Length} characters long after field:; at most {SourceLayout.MaxFieldPathLength} are allowed.";
                return null;
            }

            return new TableRoute(TableRouteKind.Field, path);
        }

        if (text.StartsWith(TablePrefix, StringComparison.Ordinal))
        {
            var table = text[TablePrefix.Length..];
            if (table.Length == 0 || table.Length > SourceLayout.MaxFieldPathLength)
            {
                error = $"table_from '{text}' must name a table after table: (1 to {SourceLayout.MaxFieldPathLength} characters), e.g. table:events.";
                return null;
            }

            return new TableRoute(TableRouteKind.Table, table);
        }

        error = $"table_from '{text}' is not a route; write header:<Header-Name> (e.g. header:X-GitHub-Event), field:<dotted.path> (e.g. field:type, field:data.object.object) or table:<name> (every record into one table).";
        return null;
    }
}

/// <summary>
/// How a source's records are laid out in tables beyond Stitch's defaults (issue 16 parts 5-7): routing to one root table
/// per event type, request headers kept as <c>_sdc_header_*</c> columns, and a nesting depth past which objects and arrays
/// stay JSON. <see cref="Default"/> is Stitch's layout: everything in <c>data</c>, no headers, no depth limit.
/// </summary>
public sealed record SourceLayout(TableRoute? TableFrom, IReadOnlyList<string> CaptureHeaders, int? MaxDepth)
{
    public const int MaxCapturedHeaders = 20;
    public const int MaxHeaderNameLength = 100;
    public const int MaxFieldPathLength = 200;
    public const int MaxDepthLimit = 64;

    /// <summary>The prefix of a captured header's column: <c>X-GitHub-Delivery</c> becomes <c>_sdc_header_x_github_delivery</c>.</summary>
    public const string HeaderColumnPrefix = "_sdc_header_";

    public static readonly SourceLayout Default = new(null, [], null);

    public bool IsDefault => TableFrom is null && CaptureHeaders.Count == 0 && MaxDepth is null;

    /// <summary>
    /// The headers the ingest endpoint keeps with each record, lowercased, each once: the captured ones and the
    /// <c>header:</c> route's header.
    /// </summary>
    public IReadOnlyList<string> StoredHeaders
    {
        get
        {
            var names = CaptureHeaders.Select(h => h.ToLowerInvariant()).ToList();
            if (TableFrom is { Kind: TableRouteKind.Header } route && !names.Contains(route.HeaderKey, StringComparer.Ordinal))
            {
                names.Add(route.HeaderKey);
            }

            return names;
        }
    }

    /// <summary>The column a captured header becomes: lowercased, <c>-</c> as <c>_</c>, behind <see cref="HeaderColumnPrefix"/>.</summary>
    public static string HeaderColumn(string headerName)
    {
        ArgumentNullException.ThrowIfNull(headerName);
        return HeaderColumnPrefix + headerName.ToLowerInvariant().Replace('-', '_');
    }

    /// <summary>Checks every property; null when valid, else the first problem, naming the property and what is allowed.</summary>
    public static string? Validate(string? tableFrom, IReadOnlyList<string>? captureHeaders, int? maxDepth, out SourceLayout? layout)
    {
        layout = null;
        TableRoute? route = null;
        if (tableFrom is not null && (route = TableRoute.Parse(tableFrom, out var routeError)) is null)
        {
            return routeError;
        }

        var headers = captureHeaders ?? [];
        if (headers.Count > MaxCapturedHeaders)
        {
            return $"capture_headers names {headers.Count} headers; at most {MaxCapturedHeaders} are allowed.";
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers)
        {
            if (HeaderNameError(header, "capture_headers") is { } error)
            {
                return error;
            }

            if (!seen.Add(header))
            {
                return $"capture_headers names '{header}' twice (header names are case-insensitive).";
            }
        }

        if (maxDepth is < 0 or > MaxDepthLimit)
        {
            return $"max_depth is {maxDepth}; it must be between 0 (every object and array kept as JSON) and {MaxDepthLimit}, or absent for no limit.";
        }

        layout = new SourceLayout(route, headers.ToArray(), maxDepth);
        return null;
    }

    /// <summary>Null when <paramref name="name"/> is an HTTP header name (an RFC 9110 token), else why not.</summary>
    public static string? HeaderNameError(string? name, string property)
    {
        if (string.IsNullOrEmpty(name))
        {
            return $"{property} has an empty header name; a header name is a token such as X-GitHub-Delivery.";
        }

        if (name.Length > MaxHeaderNameLength)
        {
            return $"{property} header name '{name[..20]}...' is {name.Length} characters long; at most {MaxHeaderNameLength} are allowed.";
        }

        foreach (var c in name)
        {
            if (!IsTokenChar(c))
            {
                var shown = c is >= ' ' and <= '~' ? $"'{c}'" : $"U+{(int)c:X4}";
                return $"{property} header name '{name}' contains {shown}, which a header name cannot hold; allowed are letters, digits and !#$%&'*+-.^_`|~.";
            }
        }

        return null;
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    /// <summary>Equal when the route, the captured headers (in order) and the depth are.</summary>
    public bool Equals(SourceLayout? other) =>
        other is not null && Equals(TableFrom, other.TableFrom) && MaxDepth == other.MaxDepth
        && CaptureHeaders.SequenceEqual(other.CaptureHeaders, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(TableFrom);
        hash.Add(MaxDepth);
        foreach (var header in CaptureHeaders)
        {
            hash.Add(header, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>The properties as the API shows them, for logs and errors.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("table_from=").Append(TableFrom?.ToString() ?? "(none)");
        text.Append(", capture_headers=[").Append(string.Join(", ", CaptureHeaders)).Append(']');
        text.Append(", max_depth=").Append(MaxDepth?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)");
        return text.ToString();
    }
}
