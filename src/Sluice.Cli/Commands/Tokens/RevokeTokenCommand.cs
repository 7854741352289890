using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Tokens;

/// <summary><c>sluice tokens revoke ID</c>: the token stops working at once.</summary>
public sealed class RevokeTokenCommand : ApiCommand
{
    private readonly Argument<long> _id = new("ID") { Description = "Id of the API token (see 'sluice tokens list')." };

    public RevokeTokenCommand(CliEnvironment env)
        : base("revoke", "Revoke an API token.", env)
    {
        Arguments.Add(_id);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        return await api.DeleteAsync($"v4/tokens/{parseResult.GetValue(_id)}", cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement token, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"Revoked API token {token.Text("id")} (hint {token.Text("hint")}).");
    }
}
