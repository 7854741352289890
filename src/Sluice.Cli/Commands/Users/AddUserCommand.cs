using System.CommandLine;
using Sluice.Server.Accounts;
using Sluice.Storage;

namespace Sluice.Cli.Commands.Users;

/// <summary>
/// <c>sluice users add EMAIL [--client-id N] [--data-dir DIR]</c>: operator command on the data directory's control plane;
/// creates a web app user of the account and prints its password once.
/// </summary>
public sealed class AddUserCommand : CliCommand
{
    private readonly Argument<string> _email = new("email") { Description = "The user's email address: the name they sign in with." };

    private readonly Option<long> _clientId = new("--client-id")
    {
        Description = "The account (client_id) the user belongs to (default 1).",
        DefaultValueFactory = _ => 1,
        HelpName = "N",
    };

    public AddUserCommand(CliEnvironment env)
        : base("add", "Create a web app user of an account and print its password (once).", env)
    {
        Arguments.Add(_email);
        Options.Add(_clientId);
    }

    protected override async Task ExecuteAsync(ParseResult parseResult, CliOutput output, CancellationToken cancellationToken)
    {
        var dataDir = ResolveDataDir(parseResult);
        var email = parseResult.GetRequiredValue(_email);
        var result = await UserCommandText.RunAsync(
            dataDir, () => UserAdmin.AddAsync(dataDir, new ControlPlaneOptions(), email, parseResult.GetValue(_clientId), cancellationToken)).ConfigureAwait(false);
        UserCommandText.Write(output, result, $"Created user {result.User.Email} of account {result.User.AccountId}.");
    }
}
