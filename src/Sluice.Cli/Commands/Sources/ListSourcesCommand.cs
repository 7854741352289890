using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary><c>sluice sources list</c>: the sources of your account that are not deleted.</summary>
public sealed class ListSourcesCommand : ApiCommand
{
    public ListSourcesCommand(CliEnvironment env)
        : base("list", "List sources.", env)
    {
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        return await api.GetAsync("v4/sources", cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement sources, ParseResult parseResult, CliOutput output)
    {
        output.WriteTable(
            ["id", "display_name", "schema", "primary_key", "status", "created_at"],
            sources.Items().Select(s => (IReadOnlyList<string>)[s.Text("id"), s.Text("display_name"), s.Text("name"), SourceText.PrimaryKey(s), SourceText.Status(s), s.Text("created_at")]));
    }
}
