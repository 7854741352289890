using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice query "SQL"</c>: one read-only statement on your destination, run by the server (it holds the DuckDB files).</summary>
public sealed class QueryCommand : ApiCommand
{
    private readonly Argument<string> _sql = new("SQL") { Description = "One read-only statement, e.g. \"SELECT count(*) FROM shop_events.data\"." };

    public QueryCommand(CliEnvironment env)
        : base("query", "Run a read-only SQL statement on your destination and print the rows.", env)
    {
        Arguments.Add(_sql);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["sql"] = parseResult.GetRequiredValue(_sql) };
        return await api.PostAsync("v4/query", body, cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement result, ParseResult parseResult, CliOutput output)
    {
        var columns = result.TryGetProperty("columns", out var c) ? c.Items().Select(col => col.Text("name")).ToList() : [];
        var rows = result.TryGetProperty("rows", out var r) ? r.Items().ToList() : [];
        output.WriteTable(columns, rows.Select(row => (IReadOnlyList<string>)row.Items().Select(CliOutput.Cell).ToList()));
        var truncated = result.Text("truncated") == "true" ? "; more rows were cut off, add a LIMIT or narrow the query" : string.Empty;
        output.WriteLine((rows.Count == 1 ? "(1 row" : $"({rows.Count} rows") + truncated + ")");
    }
}
