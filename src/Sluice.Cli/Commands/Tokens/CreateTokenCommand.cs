using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Tokens;

/// <summary><c>sluice tokens create [--name NAME]</c>: a new API token for your account, shown once.</summary>
public sealed class CreateTokenCommand : ApiCommand
{
    private readonly Option<string?> _name = new("--name") { Description = "A name to recognise the token by, e.g. 'ci'." };

    public CreateTokenCommand(CliEnvironment env)
        : base("create", "Create an API token. The token is shown only once.", env)
    {
        Options.Add(_name);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var body = new JsonObject();
        if (parseResult.GetValue(_name) is { } name)
        {
            body["name"] = name;
        }

        return await api.PostAsync("v4/tokens", body, cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement token, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"Created API token {token.Text("id")}{(token.Text("name", string.Empty) is { Length: > 0 } n ? $" ({n})" : string.Empty)}.");
        output.WriteLine("Token (shown only now; store it safely):");
        output.WriteLine(token.Text("token"));
    }
}
