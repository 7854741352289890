using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Hooks;

/// <summary><c>sluice emails enable ID</c> and <c>sluice emails disable ID</c>.</summary>
public sealed class EnableRecipientCommand : ApiCommand
{
    private readonly Argument<long> _id = new("ID") { Description = "Id of the recipient (see 'sluice emails list')." };
    private readonly bool _enable;

    public EnableRecipientCommand(CliEnvironment env, bool enable)
        : base(enable ? "enable" : "disable", enable ? "Send notification email to a recipient again." : "Stop sending notification email to a recipient.", env)
    {
        _enable = enable;
        Arguments.Add(_id);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var id = parseResult.GetValue(_id);
        return await RecipientText.NotFoundAsAsync(
            () => api.PutAsync($"{RecipientText.Path}/{id}", new JsonObject { ["enable"] = _enable }, cancellationToken), id).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement recipient, ParseResult parseResult, CliOutput output) =>
        output.WriteLine($"{(_enable ? "Enabled" : "Disabled")} email recipient {recipient.Text("id")}: {recipient.Text("email_address")}.");
}
