using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Hooks;

/// <summary>
/// <c>sluice hooks add URL [--destination ID]</c>: a post-load hook on your destination (the only one, unless given).
/// Prints the signing secret, which is shown only now.
/// </summary>
public sealed class AddHookCommand : ApiCommand
{
    private readonly Argument<string> _url = new("URL") { Description = "Where to POST after every load, e.g. https://example.com/hooks/sluice." };

    private readonly Option<long?> _destination = new("--destination")
    {
        Description = "Destination id (see 'sluice destinations list'); default: your only destination.",
        HelpName = "ID",
    };

    public AddHookCommand(CliEnvironment env)
        : base("add", "Add a post-load hook (at most 10). Its signing secret is shown only once.", env)
    {
        Arguments.Add(_url);
        Options.Add(_destination);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var destination = parseResult.GetValue(_destination);
        if (destination is null)
        {
            var destinations = (await api.GetAsync("v4/destinations", cancellationToken).ConfigureAwait(false)).Items().ToList();
            if (destinations.Count != 1)
            {
                throw new CliException($"your account has {destinations.Count} destinations; choose one with --destination ID (see 'sluice destinations list')");
            }

            destination = destinations[0].GetProperty("id").GetInt64();
        }

        var body = new JsonObject
        {
            ["type"] = "post_load",
            ["destination_id"] = destination,
            ["config"] = new JsonObject { ["url"] = parseResult.GetValue(_url) },
        };
        try
        {
            return await api.PostAsync(HookText.Path, body, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException e) when (e.Message.StartsWith("Invalid URI", StringComparison.Ordinal))
        {
            throw new CliException($"'{parseResult.GetValue(_url)}' is not an absolute https:// URL (HTTP 400: Invalid URI)", e);
        }
        catch (CliException e) when (e.Message.StartsWith("Invalid POST body", StringComparison.Ordinal))
        {
            throw new CliException($"destination {destination} is not one of yours (see 'sluice destinations list') (HTTP 400: Invalid POST body)", e);
        }
    }

    protected override void WriteText(JsonElement hook, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"Added hook {hook.Text("id")}: {HookText.Url(hook)} (destination {hook.Text("destination_id")}).");
        output.WriteLine("Signing secret (shown only now; verify the webhook-signature header with it):");
        output.WriteLine(hook.GetProperty("config").Text("secret"));
    }
}
