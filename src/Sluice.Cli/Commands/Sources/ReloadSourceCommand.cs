using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary><c>sluice sources reload ID</c>: asks for the source's tables to be rebuilt from its raw archive.</summary>
public sealed class ReloadSourceCommand : ApiCommand
{
    private readonly Argument<long> _id = SourceIdArgument.Create();

    public ReloadSourceCommand(CliEnvironment env)
        : base("reload", "Rebuild a source's tables from the raw records Sluice kept (Buffer:Retention, 7 days by default), with its layout as it is now. The new tables replace the old ones in one step.", env)
    {
        Arguments.Add(_id);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        return await api.PostAsync($"v4/sources/{parseResult.GetValue(_id)}/reload", null, cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement source, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"Reload of {SourceText.Describe(source)} requested at {source.Text("reload_requested_at")}.");
        output.WriteLine($"`sluice sources stats {source.Text("id")}` shows last_reload_at, the table version and the records loaded once it is done.");
    }
}
