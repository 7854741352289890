using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary><c>sluice sources urls list ID</c>: live webhook URLs by id and hint (the URLs themselves are never shown again).</summary>
public sealed class ListWebhookUrlsCommand : ApiCommand
{
    private readonly Argument<long> _id = SourceIdArgument.Create();

    public ListWebhookUrlsCommand(CliEnvironment env)
        : base("list", "List a source's webhook URLs (id and hint).", env)
    {
        Arguments.Add(_id);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        return await api.GetAsync($"v4/sources/{parseResult.GetValue(_id)}/tokens", cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement tokens, ParseResult parseResult, CliOutput output)
    {
        output.WriteTable(
            ["id", "hint", "created_at"],
            tokens.Items().Select(t => (IReadOnlyList<string>)[t.Text("id"), t.Text("hint"), t.Text("created_at")]));
    }
}
