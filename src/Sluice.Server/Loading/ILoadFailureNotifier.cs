namespace Sluice.Server.Loading;

/// <summary>Tells the account that loading a source started failing (an in-app notification; email comes with hooks).</summary>
public interface ILoadFailureNotifier
{
    Task LoadFailedAsync(LoadTarget target, string error, CancellationToken cancellationToken);
}
