using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Hooks;

/// <summary><c>sluice hooks list</c>: every post-load hook, disabled ones included.</summary>
public sealed class ListHooksCommand : ApiCommand
{
    public ListHooksCommand(CliEnvironment env)
        : base("list", "List post-load hooks (id, status, URL, destination).", env)
    {
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        return await api.GetAsync(HookText.Path, cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement result, ParseResult parseResult, CliOutput output)
    {
        var hooks = result.TryGetProperty("post_load", out var list) ? list.Items() : [];
        output.WriteTable(
            ["id", "status", "url", "destination_id", "created_at", "modified_at"],
            hooks.Select(h => (IReadOnlyList<string>)[h.Text("id"), HookText.Status(h), HookText.Url(h), h.Text("destination_id"), h.Text("created_at"), h.Text("modified_at")]));
    }
}
