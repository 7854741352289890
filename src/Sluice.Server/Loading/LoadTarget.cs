using Sluice.Core.Sources;

namespace Sluice.Server.Loading;

/// <summary>
/// What the loader needs to know of a source: its account, schema, primary key and table layout (null is
/// <see cref="SourceLayout.Default"/>; a changed layout applies to records loaded from then on). <paramref name="ReloadRequestedAt"/>
/// is set while a rebuild from the raw archive is asked for and not yet done.
/// </summary>
public sealed record LoadTarget(
    long SourceId, long ClientId, string Schema, string? PrimaryKey, SourceLayout? Layout = null, DateTime? ReloadRequestedAt = null);

/// <summary>
/// What a reload did: when it committed, the table version it wrote, how many records it loaded and how many of them had been
/// rejected before. <paramref name="Refused"/> says why a reload did not run (the tables are as they were).
/// </summary>
public sealed record ReloadOutcome(DateTime CompletedAt, int TableVersion, long Records, long Recovered, string? Refused = null);

/// <summary>Looks up sources for the loader. Implemented over the control plane.</summary>
public interface ILoadTargetCatalog
{
    /// <summary>The source as it is now (layout changes made by <c>PUT</c> are seen within a few seconds), deleted ones included.</summary>
    ValueTask<LoadTarget?> GetAsync(long sourceId, CancellationToken cancellationToken);

    /// <summary>Sources, not deleted, with a reload asked for and not yet done, oldest request first.</summary>
    ValueTask<IReadOnlyList<LoadTarget>> GetReloadsRequestedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records a finished reload: clears the request if it is still the one made at <paramref name="requestedAt"/> (a newer request
    /// stays, and runs again) and keeps the outcome for the source's stats.
    /// </summary>
    ValueTask CompleteReloadAsync(long sourceId, DateTime requestedAt, ReloadOutcome outcome, CancellationToken cancellationToken);
}
