using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Hooks;

/// <summary><c>sluice emails delete ID</c>.</summary>
public sealed class DeleteRecipientCommand : ApiCommand
{
    private readonly Argument<long> _id = new("ID") { Description = "Id of the recipient (see 'sluice emails list')." };

    public DeleteRecipientCommand(CliEnvironment env)
        : base("delete", "Remove a recipient of notification email.", env)
    {
        Arguments.Add(_id);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var id = parseResult.GetValue(_id);
        return await RecipientText.NotFoundAsAsync(() => api.DeleteAsync($"{RecipientText.Path}/{id}", cancellationToken), id).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement recipient, ParseResult parseResult, CliOutput output) =>
        output.WriteLine($"Deleted email recipient {recipient.Text("id")}: {recipient.Text("email_address")}.");
}
