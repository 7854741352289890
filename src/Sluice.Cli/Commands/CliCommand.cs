using System.CommandLine;
using Sluice.Cli.Api;

namespace Sluice.Cli.Commands;

/// <summary>
/// Base of every admin command: <c>--json</c> and <c>--data-dir</c>, and failures turned into one line on stderr
/// with exit code 1.
/// </summary>
public abstract class CliCommand : Command
{
    /// <summary>Exit code of a command that ran and failed (server unreachable, API error, bad data directory).</summary>
    public const int Failure = 1;

    protected CliCommand(string name, string description, CliEnvironment env)
        : base(name, description)
    {
        Environment = env;
        Options.Add(JsonOption);
        Options.Add(DataDirOption);
        SetAction(InvokeAsync);
    }

    protected CliEnvironment Environment { get; }

    protected Option<bool> JsonOption { get; } = new("--json") { Description = "Print machine-readable JSON instead of text." };

    protected Option<string?> DataDirOption { get; } = new("--data-dir")
    {
        Description = "Data directory of the server on this machine (default: $SLUICE_Sluice__DataDir, else ./sluice-data).",
        HelpName = "DIR",
    };

    protected abstract Task ExecuteAsync(ParseResult parseResult, CliOutput output, CancellationToken cancellationToken);

    /// <summary><c>--data-dir</c>, else <c>SLUICE_Sluice__DataDir</c> (what <c>sluice serve</c> reads), else <c>./sluice-data</c>.</summary>
    protected string ResolveDataDir(ParseResult parseResult)
    {
        return DataDirResolver.Resolve(parseResult.GetValue(DataDirOption), Environment.GetVariable);
    }

    private async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = new CliOutput(Environment, parseResult.GetValue(JsonOption));
        try
        {
            await ExecuteAsync(parseResult, output, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (CliException e)
        {
            await Environment.Error.WriteLineAsync("error: " + CliOutput.OneLine(e.Message)).ConfigureAwait(false);
            return Failure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            await Environment.Error.WriteLineAsync("error: " + CliOutput.OneLine(e.Message)).ConfigureAwait(false);
            return Failure;
        }
    }
}
