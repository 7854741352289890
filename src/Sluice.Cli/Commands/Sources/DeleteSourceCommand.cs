using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary><c>sluice sources delete ID</c>: stops accepting at once; tables already loaded stay.</summary>
public sealed class DeleteSourceCommand : ApiCommand
{
    private readonly Argument<long> _id = SourceIdArgument.Create();

    public DeleteSourceCommand(CliEnvironment env)
        : base("delete", "Delete a source: its webhook URLs stop accepting at once; loaded tables stay in the warehouse.", env)
    {
        Arguments.Add(_id);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        return await api.DeleteAsync($"v4/sources/{parseResult.GetValue(_id)}", cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement source, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"Deleted {SourceText.Describe(source)}.");
    }
}
