using Sluice.Core.Loading;
using Sluice.Server.Destinations;
using Sluice.Server.Loading;

namespace Sluice.Bench;

/// <summary>
/// Stands in for the control plane's catalog and destination registry, which the server also consults once and then caches:
/// one source, one account, one open destination. Failures are kept so the run can stop and say why.
/// </summary>
public sealed class FixedLoadTargets(LoadTarget target, IDestination destination) : ILoadTargetCatalog, IDestinationProvider, ILoadFailureNotifier
{
    public string? Failure { get; private set; }

    ValueTask<LoadTarget?> ILoadTargetCatalog.GetAsync(long sourceId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(sourceId == target.SourceId ? target : null);

    ValueTask<IDestination> IDestinationProvider.GetAsync(long clientId, CancellationToken cancellationToken) =>
        clientId == target.ClientId ? ValueTask.FromResult(destination) : throw new InvalidOperationException($"No destination for account {clientId}.");

    /// <summary>The bench never asks for a reload.</summary>
    ValueTask<IReadOnlyList<LoadTarget>> ILoadTargetCatalog.GetReloadsRequestedAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<LoadTarget>>([]);

    ValueTask ILoadTargetCatalog.CompleteReloadAsync(long sourceId, DateTime requestedAt, ReloadOutcome outcome, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The bench never asks for a reload.");

    public ValueTask InvalidateAsync(long clientId) => ValueTask.CompletedTask;

    public Task LoadFailedAsync(LoadTarget target, string error, CancellationToken cancellationToken)
    {
        Failure = error;
        return Task.CompletedTask;
    }

    public Task LoadStillFailingAsync(LoadTarget target, string error, DateTimeOffset failingSince, CancellationToken cancellationToken) =>
        LoadFailedAsync(target, error, cancellationToken);

    public Task RecordRejectedAsync(LoadTarget target, string message, CancellationToken cancellationToken) =>
        LoadFailedAsync(target, message, cancellationToken);
}
