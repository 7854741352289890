using System.CommandLine;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Tokens;

/// <summary><c>sluice tokens list</c>: the API tokens of your account (hints only, never the tokens).</summary>
public sealed class ListTokensCommand : ApiCommand
{
    public ListTokensCommand(CliEnvironment env)
        : base("list", "List API tokens (id, name, hint).", env)
    {
    }

    protected override async Task ExecuteAsync(ParseResult parseResult, ApiClient api, CliOutput output, CancellationToken cancellationToken)
    {
        var tokens = await api.GetAsync("v4/tokens", cancellationToken).ConfigureAwait(false);
        if (output.Json)
        {
            output.WriteJson(tokens);
            return;
        }

        output.WriteTable(
            ["id", "name", "hint", "created_at", "revoked_at"],
            tokens.Items().Select(t => (IReadOnlyList<string>)[t.Text("id"), t.Text("name", string.Empty), t.Text("hint"), t.Text("created_at"), t.Text("revoked_at", string.Empty)]));
    }
}
