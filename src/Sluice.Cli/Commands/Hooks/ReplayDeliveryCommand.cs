using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Hooks;

/// <summary><c>sluice hooks replay ID DELIVERY_ID</c>: send a delivery's payload again, as a new delivery.</summary>
public sealed class ReplayDeliveryCommand : ApiCommand
{
    private readonly Argument<long> _id = new("ID") { Description = "Id of the hook (see 'sluice hooks list')." };
    private readonly Argument<long> _delivery = new("DELIVERY_ID") { Description = "Id of the delivery (see 'sluice hooks deliveries ID')." };

    public ReplayDeliveryCommand(CliEnvironment env)
        : base("replay", "Send a delivery's payload again (a new delivery with its own webhook-id).", env)
    {
        Arguments.Add(_id);
        Arguments.Add(_delivery);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var id = parseResult.GetValue(_id);
        var delivery = parseResult.GetValue(_delivery);
        return await HookText.NotFoundAsAsync(
                () => api.PostAsync($"{HookText.Path}/{id}/deliveries/{delivery}/replay", null, cancellationToken),
                $"delivery {delivery} of hook {id}")
            .ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement replay, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"Queued delivery {replay.Text("id")} ({replay.Text("webhook_id")}), a replay of delivery {replay.Text("replay_of_delivery_id")}.");
    }
}
