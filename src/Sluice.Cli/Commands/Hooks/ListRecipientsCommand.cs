using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Hooks;

/// <summary><c>sluice emails list</c>.</summary>
public sealed class ListRecipientsCommand : ApiCommand
{
    public ListRecipientsCommand(CliEnvironment env)
        : base("list", "List recipients of notification email.", env)
    {
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken) =>
        await api.GetAsync(RecipientText.Path, cancellationToken).ConfigureAwait(false);

    protected override void WriteText(JsonElement recipients, ParseResult parseResult, CliOutput output) =>
        output.WriteTable(
            ["id", "status", "email_address", "created_at"],
            recipients.Items().Select(r => (IReadOnlyList<string>)[r.Text("id"), RecipientText.Status(r), r.Text("email_address"), r.Text("created_at")]));
}
