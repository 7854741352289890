using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sluice.Server.Accounts;
using Sluice.Server.Loading;

namespace Sluice.Server.Hooks;

public static class HooksExtensions
{
    /// <summary>
    /// Post-load hooks (section <c>Hooks</c>): the hook and custom-email services, and the outbox that turns committed loads
    /// into deliveries (fast path from the loader, poll as the safety net). Needs <c>AddLoading</c> (Data Protection).
    /// </summary>
    public static WebApplicationBuilder AddHooks(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<HooksOptions>()
            .Bind(builder.Configuration.GetSection(HooksOptions.Section))
            .Validate(o => o.RetryDelays is null || o.RetryDelays.All(d => d >= TimeSpan.Zero), "Hooks:RetryDelays cannot hold negative delays.")
            .Validate(o => o.Timeout > TimeSpan.Zero, "Hooks:Timeout must be positive, e.g. 00:00:30.")
            .Validate(o => o.OutboxPollInterval > TimeSpan.Zero, "Hooks:OutboxPollInterval must be positive, e.g. 00:00:01.")
            .Validate(o => o.OutboxLookback >= TimeSpan.Zero, "Hooks:OutboxLookback cannot be negative.")
            .ValidateOnStart();

        builder.Services.AddSingleton<HookSecretProtector>();
        builder.Services.AddSingleton<HookService>();
        builder.Services.AddSingleton<RecipientService>();
        builder.Services.AddSingleton<HookOutbox>();
        builder.Services.AddSingleton<HookOutboxSignal>();
        builder.Services.RemoveAll<ILoadCommittedSignal>();
        builder.Services.AddSingleton<ILoadCommittedSignal>(sp => sp.GetRequiredService<HookOutboxSignal>());
        builder.Services.AddHostedService<HookOutboxWorker>();
        return builder;
    }

    /// <summary><c>/notifications/public/v1/api</c>: hooks and custom emails, with the same bearer tokens as <c>/v4</c>.</summary>
    public static WebApplication MapHooks(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var policy = new AuthorizationPolicyBuilder(ApiTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
        app.MapGroup("/notifications/public/v1/api")
            .RequireAuthorization(policy)
            .MapHookEndpoints()
            .MapRecipientEndpoints();
        return app;
    }
}
