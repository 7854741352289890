using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary>
/// <c>sluice sources secret ID</c>: sets a provider's signing secret from <c>$SLUICE_SIGNING_SECRET</c> (so it stays out of
/// the shell history; the previous one is accepted for 24 hours more), or <c>--clear</c> stops checking signatures.
/// </summary>
public sealed class SecretSourceCommand : ApiCommand
{
    public const string Variable = "SLUICE_SIGNING_SECRET";

    private readonly Argument<long> _id = SourceIdArgument.Create();

    private readonly Option<bool> _clear = new("--clear") { Description = "Remove the secret: requests are no longer checked." };

    public SecretSourceCommand(CliEnvironment env)
        : base("secret", $"Set (from ${Variable}) or --clear a provider integration's signing secret; the previous one stays valid for 24 hours.", env)
    {
        Arguments.Add(_id);
        Options.Add(_clear);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        JsonNode? secret = null;
        if (!parseResult.GetValue(_clear))
        {
            var value = Environment.GetVariable(Variable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new CliException($"set ${Variable} to the provider's secret (or use --clear); it is read from there so that it stays out of the shell history.");
            }

            secret = value;
        }

        var body = new JsonObject { ["properties"] = new JsonObject { ["signing_secret"] = secret } };
        return await api.PutAsync($"v4/sources/{parseResult.GetValue(_id)}", body, cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement source, ParseResult parseResult, CliOutput output)
    {
        var set = source.TryGetProperty("signing_secret_set", out var flag) && flag.GetBoolean();
        var until = source.Text("previous_signing_secret_until", string.Empty);
        output.WriteLine(!set
            ? $"Signing secret of {SourceText.Describe(source)} removed; requests are no longer checked."
            : until.Length == 0
                ? $"Signing secret of {SourceText.Describe(source)} saved; every request's signature is checked with it."
                : $"Signing secret of {SourceText.Describe(source)} saved; requests signed with the previous one are accepted until {until}.");
    }
}
