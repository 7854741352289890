using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Destinations;

/// <summary><c>sluice destinations list</c>.</summary>
public sealed class ListDestinationsCommand : ApiCommand
{
    public ListDestinationsCommand(CliEnvironment env)
        : base("list", "List your destination (embedded DuckDB by default, or PostgreSQL).", env)
    {
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        return await api.GetAsync("v4/destinations", cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement destinations, ParseResult parseResult, CliOutput output)
    {
        output.WriteTable(
            ["id", "type", "name", "connection", "created_at"],
            destinations.Items().Select(d => (IReadOnlyList<string>)[d.Text("id"), d.Text("type"), d.Text("name"), Connection(d), d.Text("created_at")]));
    }

    private static string Connection(JsonElement destination)
    {
        if (!destination.TryGetProperty("connection", out var connection) || connection.ValueKind != JsonValueKind.Object)
        {
            return string.Empty;
        }

        return string.Join(' ', connection.EnumerateObject().Select(p => $"{p.Name}={CliOutput.Cell(p.Value)}"));
    }
}
