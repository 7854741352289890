using System.CommandLine;
using Sluice.Core.Integrations;

namespace Sluice.Cli.Commands.Integrations;

/// <summary>
/// <c>sluice integrations docs DIR</c>: writes one page per catalog entry (<c>&lt;name&gt;.md</c>, <see cref="IntegrationPage"/>)
/// and removes pages of entries that no longer exist; <c>--check</c> writes nothing and fails when DIR is not up to date.
/// </summary>
public sealed class IntegrationDocsCommand : CliCommand
{
    private readonly Argument<string> _directory = new("DIR") { Description = "Where the pages go, e.g. docs/integrations." };

    private readonly Option<bool> _check = new("--check") { Description = "Write nothing; fail (exit 1) and name the pages that differ from the catalog." };

    public IntegrationDocsCommand(CliEnvironment env)
        : base("docs", "Write the integration pages (one Markdown file per provider) from the catalog.", env)
    {
        Arguments.Add(_directory);
        Options.Add(_check);
    }

    protected override Task ExecuteAsync(ParseResult parseResult, CliOutput output, CancellationToken cancellationToken)
    {
        var directory = parseResult.GetRequiredValue(_directory);
        var check = parseResult.GetValue(_check);
        var expected = IntegrationCatalog.All.ToDictionary(IntegrationPage.FileName, IntegrationPage.Render, StringComparer.Ordinal);
        var present = Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.md").Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        var stale = expected.Where(p => !present.Contains(p.Key) || File.ReadAllText(Path.Combine(directory, p.Key)) != p.Value).Select(p => p.Key).ToList();
        var extra = present.Where(name => !expected.ContainsKey(name)).ToList();
        if (check)
        {
            if (stale.Count + extra.Count > 0)
            {
                throw new CliException(
                    $"{directory} is not up to date with the catalog ({string.Join(", ", stale.Concat(extra).Order(StringComparer.Ordinal))}); run: sluice integrations docs {directory}");
            }

            output.WriteLine($"{expected.Count} pages in {directory} match the catalog.");
            return Task.CompletedTask;
        }

        Directory.CreateDirectory(directory);
        foreach (var name in stale)
        {
            File.WriteAllText(Path.Combine(directory, name), expected[name]);
        }

        foreach (var name in extra)
        {
            File.Delete(Path.Combine(directory, name));
        }

        output.WriteLine($"Wrote {stale.Count} of {expected.Count} pages to {directory}{(extra.Count > 0 ? $", removed {extra.Count}" : string.Empty)}.");
        return Task.CompletedTask;
    }
}
