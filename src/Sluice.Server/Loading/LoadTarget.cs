using Sluice.Core.Sources;

namespace Sluice.Server.Loading;

/// <summary>
/// What the loader needs to know of a source: its account, schema, primary key and table layout (null is
/// <see cref="SourceLayout.Default"/>; a changed layout applies to records loaded from then on).
/// </summary>
public sealed record LoadTarget(long SourceId, long ClientId, string Schema, string? PrimaryKey, SourceLayout? Layout = null);

/// <summary>Looks up sources for the loader. Implemented over the control plane.</summary>
public interface ILoadTargetCatalog
{
    ValueTask<LoadTarget?> GetAsync(long sourceId, CancellationToken cancellationToken);
}
