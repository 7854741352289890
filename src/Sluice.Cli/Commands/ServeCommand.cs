using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sluice.Server;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice serve</c>: runs the server in the foreground; Ctrl-C drains in-flight requests, then exits.</summary>
public sealed class ServeCommand : Command
{
    private readonly CliEnvironment _env;

    private readonly Option<string?> _urls = new("--urls")
    {
        Description = "Where to listen, e.g. http://127.0.0.1:5000 (several separated by ';'). Default http://localhost:5000.",
        HelpName = "URL",
    };

    private readonly Option<string?> _dataDir = new("--data-dir")
    {
        Description = "Data directory for control.db, buffer.db, warehouse/ and admin-token. Default ./sluice-data.",
        HelpName = "DIR",
    };

    private readonly Option<string?> _publicBaseUrl = new("--public-base-url")
    {
        Description = "What webhook URLs start with, e.g. https://hooks.example.com. Default: the first listen URL.",
        HelpName = "URL",
    };

    private readonly Option<string?> _roles = new("--roles")
    {
        Description = "What this node runs, comma-separated from ingest, api, loader, dispatcher. Default: all.",
        HelpName = "ROLES",
    };

    public ServeCommand(CliEnvironment env)
        : base("serve", "Run the server: ingest, API and loading. Any other --Section:Key=value sets that configuration key.")
    {
        _env = env;
        Options.Add(_urls);
        Options.Add(_dataDir);
        Options.Add(_publicBaseUrl);
        Options.Add(_roles);

        // Configuration keys such as --Loading:Interval=00:00:01 pass through to the host.
        TreatUnmatchedTokensAsErrors = false;
        SetAction(RunAsync);
    }

    /// <summary>The host's command-line configuration: the known flags that were given, then every other token as is.</summary>
    public string[] ServerArgs(ParseResult parseResult)
    {
        var args = new List<string>();
        foreach (var option in new[] { _urls, _dataDir, _publicBaseUrl, _roles })
        {
            var value = parseResult.GetValue(option);
            if (!string.IsNullOrWhiteSpace(value))
            {
                args.Add(option.Name);
                args.Add(value);
            }
        }

        args.AddRange(parseResult.UnmatchedTokens);
        return [.. args];
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        try
        {
            await using var app = SluiceApp.Build(ServerArgs(parseResult));
            var dataDir = app.Services.GetRequiredService<Sluice.Server.Hosting.DataDirectory>().Root;
            using var dataDirLock = Sluice.Server.Hosting.DataDirectoryLock.TryAcquire(dataDir)
                ?? throw new InvalidOperationException($"the data directory {dataDir} is in use by another 'sluice serve' (it holds {Sluice.Server.Hosting.DataDirectoryLock.FileName}); stop it first, or give this one --data-dir DIR of its own");
            await Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.RunAsync(app, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is OptionsValidationException or IOException or InvalidOperationException or FormatException or UnauthorizedAccessException)
        {
            // Bad configuration or a port in use: one line, not a stack trace.
            await _env.Error.WriteLineAsync("error: " + CliOutput.OneLine(e.Message)).ConfigureAwait(false);
            return CliCommand.Failure;
        }
    }
}
