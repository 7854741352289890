using Microsoft.AspNetCore.Authorization;
using Sluice.Server.Accounts;
using Sluice.Server.Deliveries;
using Sluice.Server.Loading;
using Sluice.Server.Notifications;

namespace Sluice.Server.Hooks;

public static class HooksExtensions
{
    /// <summary>
    /// Post-load hooks (section <c>Hooks</c>): the hook service and, when this node has the <c>dispatcher</c> role, the outbox
    /// that turns committed loads into deliveries (fast path from the loader, poll as the safety net) and the dispatcher that
    /// sends them. The undeliverable-hook email goes through <c>AddNotifications</c>.
    /// </summary>
    public static WebApplicationBuilder AddHooks(this WebApplicationBuilder builder, bool runDispatcher = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<HooksOptions>()
            .Bind(builder.Configuration.GetSection(HooksOptions.Section))
            .Validate(o => o.RetryDelays is null || o.RetryDelays.All(d => d >= TimeSpan.Zero), "Hooks:RetryDelays cannot hold negative delays.")
            .Validate(o => o.Timeout > TimeSpan.Zero, "Hooks:Timeout must be positive, e.g. 00:00:30.")
            .Validate(o => o.OutboxPollInterval > TimeSpan.Zero, "Hooks:OutboxPollInterval must be positive, e.g. 00:00:01.")
            .Validate(o => o.OutboxLookback >= TimeSpan.Zero, "Hooks:OutboxLookback cannot be negative.")
            .Validate(o => o.MaxConcurrencyPerHook is > 0 and <= 1000, "Hooks:MaxConcurrencyPerHook must be from 1 to 1000, e.g. 16.")
            .Validate(o => o.DispatchBatchSize is > 0 and <= 10_000, "Hooks:DispatchBatchSize must be from 1 to 10000, e.g. 256.")
            .Validate(o => o.DispatchPollInterval > TimeSpan.Zero, "Hooks:DispatchPollInterval must be positive, e.g. 00:00:01.")
            .Validate(o => o.ShutdownMailGrace >= TimeSpan.Zero, "Hooks:ShutdownMailGrace cannot be negative, e.g. 00:00:05 (the default).")
            .Validate(
                o => string.IsNullOrWhiteSpace(o.TrustedCertificatePath) || File.Exists(o.TrustedCertificatePath),
                "Hooks:TrustedCertificatePath must name an existing PEM file with the CA certificate(s) to trust for hook URLs.")
            .ValidateOnStart();

        builder.Services.AddSingleton<HookSecretProtector>();
        builder.Services.AddSingleton<HookService>();
        builder.Services.AddSingleton<HookOutbox>();
        builder.Services.AddSingleton<CommittedLoadQueue>();
        builder.Services.AddSingleton<HookDispatchSignal>();
        if (runDispatcher)
        {
            builder.Services.AddSingleton<ILoadCommittedSignal>(sp => sp.GetRequiredService<CommittedLoadQueue>());
            builder.Services.AddSingleton<DeliveryStore>();
            builder.Services.AddSingleton<HookSender>();
            builder.Services.AddSingleton<HookFailureMailer>();
            builder.Services.AddHostedService<HookOutboxWorker>();
            builder.Services.AddHostedService<HookDispatcher>();
        }

        return builder;
    }

    /// <summary><c>/notifications/public/v1/api</c>: hooks and custom emails, with the same bearer tokens as <c>/v4</c>.</summary>
    public static WebApplication MapHooks(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var policy = new AuthorizationPolicyBuilder(ApiTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
        app.MapGroup("/notifications/public/v1/api")
            .RequireAuthorization(policy)
            .WithMetadata(Api.ConnectApiExtensions.Unauthorized)
            .MapHookEndpoints()
            .MapRecipientEndpoints();
        return app;
    }
}
