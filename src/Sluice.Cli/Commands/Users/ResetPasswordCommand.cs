using System.CommandLine;
using Sluice.Server.Accounts;
using Sluice.Storage;

namespace Sluice.Cli.Commands.Users;

/// <summary>
/// <c>sluice users reset-password EMAIL [--data-dir DIR]</c>: gives the user a new random password, printed once; the old
/// one stops working at once.
/// </summary>
public sealed class ResetPasswordCommand : CliCommand
{
    private readonly Argument<string> _email = new("email") { Description = "The user's email address." };

    public ResetPasswordCommand(CliEnvironment env)
        : base("reset-password", "Give a web app user a new random password and print it (once).", env)
    {
        Arguments.Add(_email);
    }

    protected override async Task ExecuteAsync(ParseResult parseResult, CliOutput output, CancellationToken cancellationToken)
    {
        var dataDir = ResolveDataDir(parseResult);
        var email = parseResult.GetRequiredValue(_email);
        var result = await UserCommandText.RunAsync(
            dataDir, () => UserAdmin.ResetPasswordAsync(dataDir, new ControlPlaneOptions(), email, cancellationToken)).ConfigureAwait(false);
        UserCommandText.Write(output, result, $"New password for {result.User.Email}; the old one no longer works.");
    }
}
