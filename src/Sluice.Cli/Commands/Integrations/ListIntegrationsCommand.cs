using System.CommandLine;
using Sluice.Core.Integrations;

namespace Sluice.Cli.Commands.Integrations;

/// <summary><c>sluice integrations list</c>: the catalog, one line per provider: type, name, what it checks, its default tables.</summary>
public sealed class ListIntegrationsCommand : CliCommand
{
    public ListIntegrationsCommand(CliEnvironment env)
        : base("list", "List the integrations Sluice has setup pages for (the types for sources create --type).", env)
    {
    }

    protected override Task ExecuteAsync(ParseResult parseResult, CliOutput output, CancellationToken cancellationToken)
    {
        if (output.Json)
        {
            output.WriteJson(IntegrationCatalog.All.Select(i => new
            {
                type = i.SourceType,
                display_name = i.DisplayName,
                summary = i.Summary,
                signature = i.Signature?.Header,
                table_from = i.Layout.TableFrom,
                primary_key = i.Layout.PrimaryKey,
            }).ToList());
            return Task.CompletedTask;
        }

        output.WriteTable(
            ["type", "name", "signature", "tables", "key"],
            IntegrationCatalog.All.Select(i => (IReadOnlyList<string>)[i.SourceType, i.DisplayName, i.Signature?.Header ?? "-", i.Layout.TableFrom ?? "data", i.Layout.PrimaryKey ?? "-"]));
        return Task.CompletedTask;
    }
}
