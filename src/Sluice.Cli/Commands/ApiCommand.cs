using System.CommandLine;
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

    protected abstract Task ExecuteAsync(ParseResult parseResult, ApiClient api, CliOutput output, CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(ParseResult parseResult, CliOutput output, CancellationToken cancellationToken)
    {
        var connection = ServerConnection.Resolve(
            parseResult.GetValue(ServerOption),
            parseResult.GetValue(TokenOption),
            ResolveDataDir(parseResult),
            Environment.GetVariable);
        using var api = new ApiClient(connection);
        await ExecuteAsync(parseResult, api, output, cancellationToken).ConfigureAwait(false);
    }
}
