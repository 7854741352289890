using System.CommandLine;
using Sluice.Server.Accounts;
using Sluice.Server.Hosting;

namespace Sluice.Cli.Commands.Accounts;

/// <summary>
/// <c>sluice accounts create [--data-dir DIR]</c>: operator command on the control plane of the data directory
/// (works while the server runs); prints the new client_id and its API token once.
/// </summary>
public sealed class CreateAccountCommand : CliCommand
{
    public CreateAccountCommand(CliEnvironment env)
        : base("create", "Create an account in the data directory's control plane and print its client_id and API token (once).", env)
    {
    }

    protected override async Task ExecuteAsync(ParseResult parseResult, CliOutput output, CancellationToken cancellationToken)
    {
        var dataDir = ResolveDataDir(parseResult);
        NewAccount account;
        try
        {
            account = await AccountAdmin.CreateAccountAsync(dataDir, cancellationToken).ConfigureAwait(false);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            throw new CliException($"cannot create an account in {Path.GetFullPath(Path.Combine(dataDir, DataDirectory.ControlDbFile))}: {e.Message}", e);
        }

        if (output.Json)
        {
            output.WriteJson(new AccountJson(account.ClientId, account.ApiToken));
            return;
        }

        output.WriteLine($"Created account {account.ClientId}.");
        output.WriteLine("API token (shown only now; store it safely):");
        output.WriteLine(account.ApiToken);
    }

    private sealed record AccountJson(
        [property: System.Text.Json.Serialization.JsonPropertyName("client_id")] long ClientId,
        [property: System.Text.Json.Serialization.JsonPropertyName("token")] string Token);
}
