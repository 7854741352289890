using Sluice.Core.Normalization;
using Sluice.Server.Destinations;

namespace Sluice.Server.Loading;

public static class LoadingExtensions
{
    /// <summary>
    /// Continuous loading (section <c>Loading</c>): the loader worker, the account destinations (embedded DuckDB or
    /// PostgreSQL; the worker only when this node has the <c>loader</c> role), destination settings with the password encrypted by Data Protection (keys in <c>&lt;data-dir&gt;/keys</c>).
    /// A failing load is told through <see cref="ILoadFailureNotifier"/> (<c>AddNotifications</c>); a committed one to every
    /// <see cref="ILoadCommittedSignal"/> registered (<c>AddHooks</c> on a dispatcher node).
    /// </summary>
    public static WebApplicationBuilder AddLoading(this WebApplicationBuilder builder, bool runLoader = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<LoadingOptions>()
            .Bind(builder.Configuration.GetSection(LoadingOptions.Section))
            .Validate(o => o.Interval > TimeSpan.Zero, "Loading:Interval must be positive, e.g. 00:00:02.")
            .Validate(o => o.MaxRecords > 0, "Loading:MaxRecords must be at least 1.")
            .Validate(o => o.MaxBytes > 0, "Loading:MaxBytes must be at least 1.")
            .Validate(o => o.MaxRecordsPerLoad >= 0, "Loading:MaxRecordsPerLoad cannot be negative (at most Loading:MaxRecords: one part per load).")
            .Validate(o => o.PartRecords > 0, "Loading:PartRecords must be at least 1.")
            .Validate(o => o.MaxRowsPerLoad >= 0, "Loading:MaxRowsPerLoad cannot be negative (0: one part per load).")
            .Validate(o => !string.IsNullOrWhiteSpace(o.DuckDbMemoryLimit) && !o.DuckDbMemoryLimit.Contains('\'', StringComparison.Ordinal), "Loading:DuckDbMemoryLimit must be auto or a size such as 1GB or 512MB.")
            .Validate(o => o.MaxConcurrentLoads > 0, "Loading:MaxConcurrentLoads must be at least 1.")
            .Validate(o => o.MinRetryDelay > TimeSpan.Zero && o.MaxRetryDelay >= o.MinRetryDelay, "Loading:MinRetryDelay must be positive and at most Loading:MaxRetryDelay.")
            .Validate(o => o.ErrorEmailDelay >= TimeSpan.Zero, "Loading:ErrorEmailDelay cannot be negative, e.g. 02:00:00.")
            .Validate(o => o.LeaseTimeout >= TimeSpan.FromSeconds(1), "Loading:LeaseTimeout must be at least one second, e.g. 00:00:15 (the default).")
            .ValidateOnStart();

        builder.Services.AddSingleton<LoadPlanner>();
        builder.Services.AddSingleton<DestinationSettings>();
        builder.Services.AddSingleton<DestinationRegistry>();
        builder.Services.AddSingleton<IDestinationProvider>(sp => sp.GetRequiredService<DestinationRegistry>());
        builder.Services.AddSingleton<ILoadTargetCatalog, ControlPlaneLoadTargets>();
        builder.Services.AddSingleton<DestinationService>();
        builder.Services.AddSingleton<LoadStatusTracker>();
        builder.Services.AddSingleton<LoadLog>();
        builder.Services.AddSingleton<ILoadIdSource>(RandomLoadIds.Instance);
        builder.Services.AddSingleton<SourceLoader>();
        if (Accounts.ControlPlaneExtensions.SharesKeys(builder.Configuration))
        {
            builder.Services.AddSingleton<ISourceLeases, ControlPlaneSourceLeases>();
        }
        else
        {
            builder.Services.AddSingleton<ISourceLeases, SingleNodeLeases>();
        }
        builder.Services.AddSingleton<SourceStatsService>();
        if (runLoader)
        {
            builder.Services.AddHostedService<LoaderWorker>();
        }

        return builder;
    }
}
