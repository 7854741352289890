using System.CommandLine;

namespace Sluice.Cli.Commands.Sources;

internal static class SourceIdArgument
{
    public static Argument<long> Create() => new("ID") { Description = "Id of the source (see 'sluice sources list')." };
}
