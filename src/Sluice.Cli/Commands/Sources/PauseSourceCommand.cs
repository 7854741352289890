using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands.Sources;

/// <summary>
/// <c>sluice sources pause ID</c> and <c>sluice sources resume ID</c>: one request, <c>PUT {"paused": true|false}</c>,
/// so one class serves both verbs.
/// </summary>
public sealed class PauseSourceCommand : ApiCommand
{
    private readonly Argument<long> _id = SourceIdArgument.Create();
    private readonly bool _paused;

    public PauseSourceCommand(CliEnvironment env, bool paused)
        : base(
            paused ? "pause" : "resume",
            paused ? "Pause a source: its webhook URLs answer 401 until it is resumed." : "Resume a paused source.",
            env)
    {
        _paused = paused;
        Arguments.Add(_id);
    }

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["paused"] = _paused };
        return await api.PutAsync($"v4/sources/{parseResult.GetValue(_id)}", body, cancellationToken).ConfigureAwait(false);
    }

    protected override void WriteText(JsonElement source, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine($"{(_paused ? "Paused" : "Resumed")} {SourceText.Describe(source)}.");
    }
}
