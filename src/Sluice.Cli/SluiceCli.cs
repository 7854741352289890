using System.CommandLine;
using Sluice.Cli.Commands;
using Sluice.Cli.Commands.Accounts;
using Sluice.Cli.Commands.Backup;
using Sluice.Cli.Commands.Destinations;
using Sluice.Cli.Commands.Hooks;
using Sluice.Cli.Commands.Integrations;
using Sluice.Cli.Commands.Sources;
using Sluice.Cli.Commands.Tokens;
using Sluice.Cli.Commands.Users;

namespace Sluice.Cli;

/// <summary>The <c>sluice</c> command tree, and the one place where a command line becomes an exit code.</summary>
public static class SluiceCli
{
    /// <summary>Exit code of a command line that does not parse (unknown command, missing argument, bad value).</summary>
    public const int UsageError = 2;

    public static RootCommand CreateRootCommand(CliEnvironment env)
    {
        return new RootCommand("Sluice: webhooks in, warehouse tables out.")
        {
            new ServeCommand(env),
            new Command("accounts", "Operator commands that work on the data directory directly.")
            {
                new CreateAccountCommand(env),
            },
            new Command("users", "Web app users (operator commands on the data directory directly).")
            {
                new AddUserCommand(env),
                new ResetPasswordCommand(env),
            },
            new Command("tokens", "API tokens of your account.")
            {
                new CreateTokenCommand(env),
                new ListTokensCommand(env),
                new RevokeTokenCommand(env),
            },
            new Command("sources", "Incoming Webhooks sources.")
            {
                new CreateSourceCommand(env),
                new ListSourcesCommand(env),
                new ShowSourceCommand(env),
                new SourceStatsCommand(env),
                new RenameSourceCommand(env),
                new LayoutSourceCommand(env),
                new ReloadSourceCommand(env),
                new SecretSourceCommand(env),
                new PauseSourceCommand(env, paused: true),
                new PauseSourceCommand(env, paused: false),
                new DeleteSourceCommand(env),
                new Command("urls", "Webhook URLs of a source (at most 2 live at a time).")
                {
                    new ListWebhookUrlsCommand(env),
                    new CreateWebhookUrlCommand(env),
                    new RevokeWebhookUrlCommand(env),
                },
            },
            new Command("integrations", "The providers Sluice has setup pages, signature checks and layouts for.")
            {
                new ListIntegrationsCommand(env),
                new IntegrationDocsCommand(env),
            },
            new Command("destinations", "Where your tables are loaded.")
            {
                new ListDestinationsCommand(env),
                new SetPostgresDestinationCommand(env),
            },
            new Command("hooks", "Post-load hooks: an HTTPS POST after every load of every table.")
            {
                new AddHookCommand(env),
                new ListHooksCommand(env),
                new EnableHookCommand(env, enable: true),
                new EnableHookCommand(env, enable: false),
                new DeleteHookCommand(env),
                new HookDeliveriesCommand(env),
                new ReplayDeliveryCommand(env),
            },
            new Command("emails", "Extra recipients of your account's notification email (at most 10).")
            {
                new AddRecipientCommand(env),
                new ListRecipientsCommand(env),
                new EnableRecipientCommand(env, enable: true),
                new EnableRecipientCommand(env, enable: false),
                new DeleteRecipientCommand(env),
            },
            new QueryCommand(env),
            new BackupCommand(env),
            new RestoreCommand(env),
        };
    }

    public static async Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken cancellationToken)
    {
        var parseResult = CreateRootCommand(env).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            var command = string.Join(' ', CommandPath(parseResult.CommandResult));
            var message = UsageErrorText.Describe(parseResult);
            await env.Error.WriteLineAsync($"error: {message} (see '{command} --help')").ConfigureAwait(false);
            return UsageError;
        }

        // Signals are left to the commands: `serve` drains through the host on Ctrl-C, the others are short.
        var invocation = new InvocationConfiguration { Output = env.Out, Error = env.Error, ProcessTerminationTimeout = null };
        return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (System.CommandLine.Parsing.SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is System.CommandLine.Parsing.CommandResult c)
            {
                names.Push(c.Parent is null ? "sluice" : c.Command.Name);
            }
        }

        return names;
    }
}
