using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Tokens;

/// <summary><c>sluice tokens list</c>: the API tokens of your account (hints only, never the tokens).</summary>
public sealed class ListTokensCommand : ApiCommand
{
    public ListTokensCommand(CliEnvironment env)
        : base("list", "List API tokens (id, name, hint).", env)
    {
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        return await api.GetAsync("v4/tokens", cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement tokens, ParseResult parseResult, CliOutput output)
    {
        output.WriteTable(
            ["id", "name", "hint", "created_at", "revoked_at"],
            tokens.Items().Select(t => (IReadOnlyList<string>)[t.Text("id"), t.Text("name", string.Empty), t.Text("hint"), t.Text("created_at"), t.Text("revoked_at", string.Empty)]));
    }
}
