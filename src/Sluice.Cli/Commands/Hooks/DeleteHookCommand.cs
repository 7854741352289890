using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Hooks;

/// <summary><c>sluice hooks delete ID</c>: the hook and its delivery log go away.</summary>
public sealed class DeleteHookCommand : ApiCommand
{
    private readonly Argument<long> _id = new("ID") { Description = "Id of the hook (see 'sluice hooks list')." };

    public DeleteHookCommand(CliEnvironment env)
        : base("delete", "Delete a hook and its delivery log.", env)
    {
        Arguments.Add(_id);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var id = parseResult.GetValue(_id);

        // The API answers the literal body null; --json prints the id that went away instead.
        await HookText.NotFoundAsAsync(() => api.DeleteAsync($"{HookText.Path}/{id}", cancellationToken), $"hook {id}").ConfigureAwait(false);
        using var document = JsonDocument.Parse($$"""{"id":{{id}},"deleted":true}""");
        return document.RootElement.Clone();
    }

    protected override void WriteText(JsonElement result, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"Deleted hook {result.Text("id")}.");
    }
}
