using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary><c>sluice sources urls create ID</c>: a second URL for rotation without downtime; printed once.</summary>
public sealed class CreateWebhookUrlCommand : ApiCommand
{
    private readonly Argument<long> _id = SourceIdArgument.Create();

    public CreateWebhookUrlCommand(CliEnvironment env)
        : base("create", "Generate another webhook URL for a source (at most 2 live). The URL is shown only once.", env)
    {
        Arguments.Add(_id);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        return await api.PostAsync($"v4/sources/{parseResult.GetValue(_id)}/tokens", null, cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement token, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"Created webhook URL {token.Text("id")} (hint {token.Text("hint")}). URL (shown only now):");
        output.WriteLine(token.Text("url"));
    }
}
