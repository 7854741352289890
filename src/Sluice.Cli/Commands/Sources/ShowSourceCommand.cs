using System.CommandLine;
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

    protected override async Task ExecuteAsync(ParseResult parseResult, ApiClient api, CliOutput output, CancellationToken cancellationToken)
    {
        var source = await api.GetAsync($"v4/sources/{parseResult.GetValue(_id)}", cancellationToken).ConfigureAwait(false);
        if (output.Json)
        {
            output.WriteJson(source);
            return;
        }

        output.WriteFields(SourceText.Fields(source));
    }
}
