using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands;

/// <summary>Base of the commands that talk to a running server through its API (<c>--server</c>, <c>--token</c>).</summary>
public abstract class ApiCommand : CliCommand
{
    protected ApiCommand(string name, string description, CliEnvironment env)
        : base(name, description, env)
    {
        Options.Add(ServerOption);
        Options.Add(TokenOption);
    }

    private Option<string?> ServerOption { get; } = new("--server")
    {
        Description = "Base URL of the server (default: $SLUICE_URL, else <data-dir>/server-url).",
        HelpName = "URL",
    };

    private Option<string?> TokenOption { get; } = new("--token")
    {
        Description = "API token (default: $SLUICE_TOKEN, else <data-dir>/admin-token).",
        HelpName = "TOKEN",
    };

    /// <summary>How long the call may take; null: the client's default (100 s).</summary>
    protected virtual TimeSpan? CallTimeout => null;

    /// <summary>The API call: its JSON answer is what <c>--json</c> prints.</summary>
    protected abstract Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken);

    /// <summary>The answer for people, without <c>--json</c>.</summary>
    protected abstract void WriteText(JsonElement result, ParseResult parseResult, CliOutput output);

    protected sealed override async Task ExecuteAsync(ParseResult parseResult, CliOutput output, CancellationToken cancellationToken)
    {
        var connection = ServerConnection.Resolve(
            parseResult.GetValue(ServerOption),
            parseResult.GetValue(TokenOption),
            ResolveDataDir(parseResult),
            Environment.GetVariable);
        using var api = new ApiClient(connection, CallTimeout);
        var result = await CallAsync(parseResult, api, cancellationToken).ConfigureAwait(false);
        if (output.Json)
        {
            output.WriteJson(result);
        }
        else
        {
            WriteText(result, parseResult, output);
        }
    }
}
