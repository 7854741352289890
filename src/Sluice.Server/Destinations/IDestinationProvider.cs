using Sluice.Core.Loading;

namespace Sluice.Server.Destinations;

/// <summary>The destination an account loads into: its PostgreSQL database when set, else its embedded DuckDB file.</summary>
public interface IDestinationProvider
{
    /// <summary>The account's destination, opened once and shared; do not dispose it.</summary>
    ValueTask<IDestination> GetAsync(long clientId, CancellationToken cancellationToken);

    /// <summary>Forgets (and closes) the account's open destination, after its settings changed.</summary>
    ValueTask InvalidateAsync(long clientId);
}
