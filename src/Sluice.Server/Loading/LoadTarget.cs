namespace Sluice.Server.Loading;

/// <summary>What the loader needs to know of a source: its account, schema and primary key.</summary>
public sealed record LoadTarget(long SourceId, long ClientId, string Schema, string? PrimaryKey);

/// <summary>Looks up sources for the loader. Implemented over the control plane.</summary>
public interface ILoadTargetCatalog
{
    ValueTask<LoadTarget?> GetAsync(long sourceId, CancellationToken cancellationToken);
}
