using System.CommandLine;
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

    protected override async Task ExecuteAsync(ParseResult parseResult, ApiClient api, CliOutput output, CancellationToken cancellationToken)
    {
        var tokens = await api.GetAsync($"v4/sources/{parseResult.GetValue(_id)}/tokens", cancellationToken).ConfigureAwait(false);
        if (output.Json)
        {
            output.WriteJson(tokens);
            return;
        }

        output.WriteTable(
            ["id", "hint", "created_at"],
            tokens.Items().Select(t => (IReadOnlyList<string>)[t.Text("id"), t.Text("hint"), t.Text("created_at")]));
    }
}
