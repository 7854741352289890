using System.CommandLine;
using System.Text.Json;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary><c>sluice sources urls revoke ID TOKEN_ID</c>: the URL answers 404 from now on.</summary>
public sealed class RevokeWebhookUrlCommand : ApiCommand
{
    private readonly Argument<long> _id = SourceIdArgument.Create();
    private readonly Argument<long> _tokenId = new("TOKEN_ID") { Description = "Id of the webhook URL (see 'sluice sources urls list ID')." };

    public RevokeWebhookUrlCommand(CliEnvironment env)
        : base("revoke", "Revoke a webhook URL at once.", env)
    {
        Arguments.Add(_id);
        Arguments.Add(_tokenId);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var path = $"v4/sources/{parseResult.GetValue(_id)}/tokens/{parseResult.GetValue(_tokenId)}";
        return await api.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement token, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"Revoked webhook URL {token.Text("id")} (hint {token.Text("hint")}); it answers 404 from now on.");
    }
}
