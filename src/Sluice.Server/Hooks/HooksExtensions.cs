using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sluice.Server.Accounts;
using Sluice.Server.Loading;
using Sluice.Server.Notifications;

namespace Sluice.Server.Hooks;

public static class HooksExtensions
{
    /// <summary>
    /// Post-load hooks (section <c>Hooks</c>; email in section <c>Smtp</c>): the hook and custom-email services and, when this
    /// node has the <c>dispatcher</c> role, the outbox that turns committed loads into deliveries (fast path from the loader,
    /// poll as the safety net) and the dispatcher that sends them. Needs <c>AddLoading</c> (Data Protection, notifications).
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
            .Validate(
                o => string.IsNullOrWhiteSpace(o.TrustedCertificatePath) || File.Exists(o.TrustedCertificatePath),
                "Hooks:TrustedCertificatePath must name an existing PEM file with the CA certificate(s) to trust for hook URLs.")
            .ValidateOnStart();
        builder.Services.AddOptions<SmtpOptions>()
            .Bind(builder.Configuration.GetSection(SmtpOptions.Section))
            .Validate(o => !o.Enabled || o.Port is > 0 and <= 65535, "Smtp:Port must be from 1 to 65535, e.g. 587.")
            .Validate(
                o => !o.Enabled || SmtpOptions.IsValidSender(o.From),
                "Smtp:From must be one sender address that MailKit can parse, such as sluice@example.com, sluice@localhost or \"Sluice <sluice@example.com>\", when Smtp:Host is set.")
            .ValidateOnStart();

        builder.Services.AddSingleton<HookSecretProtector>();
        builder.Services.AddSingleton<HookService>();
        builder.Services.AddSingleton<RecipientService>();
        builder.Services.AddSingleton<HookOutbox>();
        builder.Services.AddSingleton<HookOutboxSignal>();
        builder.Services.AddSingleton<HookDispatchSignal>();
        builder.Services.TryAddSingleton<EmailSender>();
        builder.Services.AddSingleton<INotificationRecipientSource, UserRecipientSource>();
        builder.Services.AddSingleton<INotificationRecipientSource, CustomEmailRecipientSource>();
        builder.Services.TryAddSingleton<NotificationRecipients>();
        if (runDispatcher)
        {
            builder.Services.RemoveAll<ILoadCommittedSignal>();
            builder.Services.AddSingleton<ILoadCommittedSignal>(sp => sp.GetRequiredService<HookOutboxSignal>());
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
