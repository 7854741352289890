using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary><c>sluice sources rename ID NAME</c>: changes the display name (the schema name stays).</summary>
public sealed class RenameSourceCommand : ApiCommand
{
    private readonly Argument<long> _id = SourceIdArgument.Create();
    private readonly Argument<string> _displayName = new("NAME") { Description = "New display name." };

    public RenameSourceCommand(CliEnvironment env)
        : base("rename", "Change a source's display name (its schema name never changes).", env)
    {
        Arguments.Add(_id);
        Arguments.Add(_displayName);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["display_name"] = parseResult.GetRequiredValue(_displayName) };
        return await api.PutAsync($"v4/sources/{parseResult.GetValue(_id)}", body, cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement source, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"Renamed {SourceText.Describe(source)}.");
    }
}
