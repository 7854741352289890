using System.CommandLine;
using System.Text.Json.Nodes;

namespace Sluice.Cli.Commands.Sources;

/// <summary>The table layout options of <c>sources create</c> and <c>sources layout</c>: table_from, capture_headers, max_depth.</summary>
internal sealed class LayoutOptions
{
    public Option<string?> TableFrom { get; } = new("--table-from")
    {
        Description = "One root table per event type, named by a header (header:X-GitHub-Event) or a field (field:type, field:data.object.object). Records without it go to data.",
        HelpName = "header:NAME|field:PATH",
    };

    public Option<string[]> CaptureHeaders { get; } = new("--capture-header")
    {
        Description = "A request header to keep as column _sdc_header_<name> on every root row (repeat for more, at most 20), e.g. X-GitHub-Delivery.",
        HelpName = "NAME",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<int?> MaxDepth { get; } = new("--max-depth")
    {
        Description = "Keep objects and arrays nested deeper than this as one JSON column (0-64; default: no limit).",
        HelpName = "N",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(TableFrom);
        command.Options.Add(CaptureHeaders);
        command.Options.Add(MaxDepth);
    }

    /// <summary>Writes the options given on the command line into <paramref name="properties"/>; true when any was given.</summary>
    public bool Fill(ParseResult parseResult, JsonObject properties)
    {
        var any = false;
        if (parseResult.GetValue(TableFrom) is { } tableFrom)
        {
            properties["table_from"] = tableFrom;
            any = true;
        }

        if (parseResult.GetValue(CaptureHeaders) is { Length: > 0 } headers)
        {
            properties["capture_headers"] = new JsonArray([.. headers.Select(h => (JsonNode)h)]);
            any = true;
        }

        if (parseResult.GetValue(MaxDepth) is { } depth)
        {
            properties["max_depth"] = depth;
            any = true;
        }

        return any;
    }
}
