using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Hooks;

/// <summary><c>sluice emails add ADDRESS</c>.</summary>
public sealed class AddRecipientCommand : ApiCommand
{
    private readonly Argument<string> _address = new("ADDRESS") { Description = "Email address, e.g. ops@example.com." };

    public AddRecipientCommand(CliEnvironment env)
        : base("add", "Add a recipient of notification email (at most 10).", env)
    {
        Arguments.Add(_address);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken) =>
        await api.PostAsync(RecipientText.Path, new JsonObject { ["email_address"] = parseResult.GetValue(_address) }, cancellationToken).ConfigureAwait(false);

    protected override void WriteText(JsonElement recipient, ParseResult parseResult, CliOutput output) =>
        output.WriteLine($"Added email recipient {recipient.Text("id")}: {recipient.Text("email_address")}.");
}
