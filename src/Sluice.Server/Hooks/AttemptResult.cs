namespace Sluice.Server.Hooks;

/// <summary>How one HTTP attempt went: a 2xx is <see cref="Succeeded"/>; anything else carries the error to log and show.</summary>
public sealed record AttemptResult(DateTime StartedAt, long DurationMs, int? StatusCode, string? Error)
{
    public bool Succeeded => Error is null;
}
