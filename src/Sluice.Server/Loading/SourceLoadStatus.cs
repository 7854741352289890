namespace Sluice.Server.Loading;

/// <summary>What the loader last did for one source; shown by the stats endpoint and the dashboard.</summary>
public sealed record SourceLoadStatus(
    DateTimeOffset? LastLoadAt,
    string? LastTableLoaded,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    int ConsecutiveFailures,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? FailingSince = null,
    bool Emailed = false)
{
    public static readonly SourceLoadStatus Empty = new(null, null, null, null, 0, null);
}
