using Sluice.Core.Normalization;

namespace Sluice.Server.Loading;

/// <summary>
/// Where the loader's ids come from (<see cref="LoadContext.NewGuid"/>): each load's id and every generated
/// <c>__sdc_primary_key</c>. Injected, so that a test can make them deterministic.
/// </summary>
public interface ILoadIdSource
{
    Guid NewGuid();
}

/// <summary>The default: random version-4 UUIDs (<see cref="RandomGuids"/>).</summary>
public sealed class RandomLoadIds : ILoadIdSource
{
    public static readonly RandomLoadIds Instance = new();

    public Guid NewGuid() => RandomGuids.NewGuid();
}
