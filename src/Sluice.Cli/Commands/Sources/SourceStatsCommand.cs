using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary><c>sluice sources stats ID</c>: what the dashboard shows (rows received, to be loaded, loaded today, last error) and the raw archive.</summary>
public sealed class SourceStatsCommand : ApiCommand
{
    private readonly Argument<long> _id = SourceIdArgument.Create();

    public SourceStatsCommand(CliEnvironment env)
        : base("stats", "Show a source's loading figures: rows to be loaded, rows loaded today (UTC), last table loaded, last error, and its raw archive (records, bytes, oldest).", env)
    {
        Arguments.Add(_id);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        return await api.GetAsync($"v4/sources/{parseResult.GetValue(_id)}/stats", cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement stats, ParseResult parseResult, CliOutput output)
    {
        output.WriteFields(stats.EnumerateObject().Select(p => (p.Name, p.Value.ValueKind == JsonValueKind.Null ? "-" : CliOutput.Cell(p.Value))));
    }
}
