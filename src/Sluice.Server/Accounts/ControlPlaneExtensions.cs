using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sluice.Server.Hosting;
using Sluice.Server.Ingestion;
using Sluice.Server.Sources;
using Sluice.Storage;

namespace Sluice.Server.Accounts;

public static class ControlPlaneExtensions
{
    /// <summary>True when the nodes of a deployment share one Data Protection key ring in the control plane (<c>Buffer:Provider</c> = <c>nats</c>).</summary>
    internal static bool SharesKeys(IConfiguration configuration) =>
        string.Equals(configuration[$"{Buffering.BufferOptions.Section}:Provider"], Buffering.BufferOptions.Nats, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The control plane (section <c>ControlPlane</c>: <c>Provider</c> sqlite|postgres, <c>ConnectionString</c>),
    /// migrated at start-up; accounts, API tokens and their bearer authentication, sources, webhook tokens and
    /// the <see cref="IWebhookTokenResolver"/> used by ingest.
    /// </summary>
    public static WebApplicationBuilder AddControlPlane(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ControlPlaneOptions>()
            .Bind(builder.Configuration.GetSection(ControlPlaneOptions.Section))
            .Validate(
                o => o.Provider is ControlPlaneOptions.Sqlite or ControlPlaneOptions.Postgres,
                "ControlPlane:Provider must be 'sqlite' (default) or 'postgres'.")
            .Validate(
                o => o.Provider != ControlPlaneOptions.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "ControlPlane:ConnectionString is required when ControlPlane:Provider is 'postgres'.")
            .ValidateOnStart();

        builder.Services.AddSingleton(sp => new ControlDbContextFactory(
            sp.GetRequiredService<IOptions<ControlPlaneOptions>>().Value,
            sp.GetRequiredService<DataDirectory>().ControlDbPath));
        builder.Services.AddSingleton<IDbContextFactory<ControlDbContext>>(sp => sp.GetRequiredService<ControlDbContextFactory>());
        builder.Services.AddHostedService<ControlPlaneInitializer>();
        builder.Services.AddHealthChecks().AddCheck<ControlPlaneHealthCheck>("control-plane", tags: ["ready"]);

        // Secrets the control plane must use, not only check (destination passwords, hook and provider signing secrets),
        // are encrypted with these keys, kept in <data-dir>/keys; with several nodes (a NATS buffer) in the control plane,
        // so every node reads what another encrypted (ControlPlaneInitializer copies the keys of <data-dir>/keys in first).
        // The keys are stored as plain XML on purpose, in a directory only the server's user can open (or in the control
        // plane's database, behind its credentials): an XML encryptor would need a secret kept beside them, which protects
        // nothing. Saying so (NullXmlEncryptor) replaces ASP.NET Core's "No XML encryptor configured" warning on every first start.
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("Sluice");
        builder.Services.AddOptions<KeyManagementOptions>().Configure(o => o.XmlEncryptor ??= new NullXmlEncryptor());
        if (SharesKeys(builder.Configuration))
        {
            builder.Services.AddScoped<ControlDbContext>(sp => sp.GetRequiredService<ControlDbContextFactory>().CreateDbContext());
            dataProtection.PersistKeysToDbContext<ControlDbContext>();
        }
        else
        {
            builder.Services.AddOptions<KeyManagementOptions>()
                .Configure<DataDirectory>((o, dataDir) => o.XmlRepository = new Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository(
                    PrivateFile.CreateDirectory(dataDir.KeysPath), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        }

        builder.Services.AddSingleton<SigningSecrets>();
        builder.Services.AddSingleton<AccountService>();
        builder.Services.AddSingleton<ApiTokenService>();
        builder.Services.AddSingleton<WebhookTokenResolver>();
        builder.Services.AddSingleton<IWebhookTokenResolver>(sp => sp.GetRequiredService<WebhookTokenResolver>());
        builder.Services.AddSingleton<SourceService>();
        builder.Services.AddSingleton<UserService>();

        builder.Services.AddAuthentication(ApiTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        return builder;
    }
}
