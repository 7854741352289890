namespace Sluice.Server.Loading;

/// <summary>Tells the account that loading a source is failing: in-app at once, by email when it lasts (<see cref="LoadingOptions.ErrorEmailDelay"/>).</summary>
public interface ILoadFailureNotifier
{
    /// <summary>The first failure of a streak: the in-app notification.</summary>
    Task LoadFailedAsync(LoadTarget target, string error, CancellationToken cancellationToken);

    /// <summary>The streak has lasted <see cref="LoadingOptions.ErrorEmailDelay"/>: one email to the account's recipients.</summary>
    Task LoadStillFailingAsync(LoadTarget target, string error, DateTimeOffset failingSince, CancellationToken cancellationToken);

    /// <summary>A record the destination failed on alone went to <c>_sdc_rejected</c>; <paramref name="message"/> says which and why.</summary>
    Task RecordRejectedAsync(LoadTarget target, string message, CancellationToken cancellationToken);
}
