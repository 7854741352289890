using Sluice.Server.Hosting;

namespace Sluice.Server.Bench;

/// <summary>
/// The benchmark endpoints' switch, bound from the <c>Sluice</c> configuration section: its key,
/// <c>Sluice:EnableBenchmarkEndpoint</c>, is what bench/ingest.sh sets, and is kept from before the endpoints had a folder.
/// </summary>
public sealed class BenchOptions
{
    public const string Section = SluiceOptions.Section;

    /// <summary>
    /// Serves <c>POST /bench/baseline</c> (reads the body, answers 200) and <c>POST /bench/floor</c> (a group commit into a
    /// plain file, one fsync each) for bench/ingest.sh. Off by default.
    /// </summary>
    public bool EnableBenchmarkEndpoint { get; set; }
}
