using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary><c>sluice sources show ID</c>.</summary>
public sealed class ShowSourceCommand : ApiCommand
{
    private readonly Argument<long> _id = SourceIdArgument.Create();

    public ShowSourceCommand(CliEnvironment env)
        : base("show", "Show one source.", env)
    {
        Arguments.Add(_id);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        return await api.GetAsync($"v4/sources/{parseResult.GetValue(_id)}", cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement source, ParseResult parseResult, CliOutput output)
    {
        output.WriteFields(SourceText.Fields(source));
    }
}
