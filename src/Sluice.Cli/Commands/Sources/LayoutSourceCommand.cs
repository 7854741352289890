using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary>
/// <c>sluice sources layout ID [--table-from R] [--capture-header H]... [--max-depth N] [--clear-table-from] [--clear-capture-headers] [--clear-max-depth]</c>:
/// changes how records become tables, for the records loaded from then on (<c>sources reload</c> applies it to the archive too).
/// </summary>
public sealed class LayoutSourceCommand : ApiCommand
{
    private readonly Argument<long> _id = SourceIdArgument.Create();
    private readonly LayoutOptions _layout = new();
    private readonly Option<bool> _clearTableFrom = new("--clear-table-from") { Description = "Load every record into data again." };
    private readonly Option<bool> _clearHeaders = new("--clear-capture-headers") { Description = "Keep no request headers." };
    private readonly Option<bool> _clearDepth = new("--clear-max-depth") { Description = "No depth limit: flatten and denest everything." };

    public LayoutSourceCommand(CliEnvironment env)
        : base("layout", "Change a source's table layout (table per event type, captured headers, depth limit) for the records loaded from now on.", env)
    {
        Arguments.Add(_id);
        _layout.AddTo(this);
        Options.Add(_clearTableFrom);
        Options.Add(_clearHeaders);
        Options.Add(_clearDepth);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var properties = new JsonObject();
        var any = _layout.Fill(parseResult, properties);
        foreach (var (option, name) in new[] { (_clearTableFrom, "table_from"), (_clearHeaders, "capture_headers"), (_clearDepth, "max_depth") })
        {
            if (parseResult.GetValue(option))
            {
                if (properties.ContainsKey(name))
                {
                    throw new CliException($"--{option.Name.TrimStart('-')} and a new {name} were both given; give one of them.");
                }

                properties[name] = null;
                any = true;
            }
        }

        if (!any)
        {
            throw new CliException("Nothing to change: give --table-from, --capture-header, --max-depth or one of the --clear-* options.");
        }

        return await api.PutAsync($"v4/sources/{parseResult.GetValue(_id)}", new JsonObject { ["properties"] = properties }, cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement source, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"Updated the layout of {SourceText.Describe(source)}: {SourceText.Layout(source)}.");
        output.WriteLine($"It applies to records loaded from now on; `sluice sources reload {source.Text("id")}` rebuilds the tables from the raw archive with it.");
    }
}
