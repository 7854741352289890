namespace Sluice.Server.Deliveries;

/// <summary>
/// How one HTTP attempt went: a 2xx is <see cref="Succeeded"/>; anything else carries the error to log and show.
/// <see cref="Permanent"/> failures (an address the SSRF guard refuses, a URL scheme not allowed) are not retried.
/// </summary>
public sealed record AttemptResult(DateTime StartedAt, long DurationMs, int? StatusCode, string? Error, bool Permanent = false)
{
    public bool Succeeded => Error is null;
}
