using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Hooks;

/// <summary><c>sluice hooks deliveries ID [--page N]</c>: the delivery log of a hook, newest first.</summary>
public sealed class HookDeliveriesCommand : ApiCommand
{
    private readonly Argument<long> _id = new("ID") { Description = "Id of the hook (see 'sluice hooks list')." };

    private readonly Option<int> _page = new("--page") { Description = "Page of the log, from 1 (newest first).", DefaultValueFactory = _ => 1, HelpName = "N" };

    public HookDeliveriesCommand(CliEnvironment env)
        : base("deliveries", "Show a hook's deliveries: table, status, attempts, last status code and error.", env)
    {
        Arguments.Add(_id);
        Options.Add(_page);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var id = parseResult.GetValue(_id);
        var page = parseResult.GetValue(_page);
        if (page < 1)
        {
            throw new CliException($"--page must be 1 or more (got {page})");
        }

        return await HookText.NotFoundAsAsync(() => api.GetAsync($"{HookText.Path}/{id}/deliveries?page={page}", cancellationToken), $"hook {id}")
            .ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement result, ParseResult parseResult, CliOutput output)
    {
        var deliveries = result.TryGetProperty("deliveries", out var list) ? list.Items().ToList() : [];
        output.WriteTable(
            ["id", "table", "status", "attempts", "last_status", "last_error", "next_attempt_at", "created_at", "replay_of"],
            deliveries.Select(d => (IReadOnlyList<string>)
            [
                d.Text("id"), d.Text("root_table"), d.Text("status"), d.Text("attempt_count"), d.Text("last_status_code", string.Empty),
                d.Text("last_error", string.Empty), d.Text("next_attempt_at", string.Empty), d.Text("created_at"), d.Text("replay_of_delivery_id", string.Empty),
            ]));
        var total = result.Text("total");
        output.WriteLine($"Page {result.Text("page")} of the log ({total} deliveries, {result.Text("page_size")} a page).");
    }
}
