using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Sluice.Server.Hosting;

public static class ConfigurationExtensions
{
    private static readonly Dictionary<string, string> FlagMappings = new(StringComparer.Ordinal)
    {
        ["--data-dir"] = "Sluice:DataDir",
        ["--public-base-url"] = "Sluice:PublicBaseUrl",
        ["--urls"] = "urls",
        ["--roles"] = "Sluice:Roles",
    };

    /// <summary>
    /// Sluice's own events at Information; ASP.NET Core's (about ten lines per request: routing, results, the request's start
    /// and end) and EF Core's at Warning. <c>--Logging:LogLevel:Microsoft.AspNetCore=Information</c> brings the request logs back.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> LoggingDefaults = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
    };

    /// <summary>Whether console logs are JSON lines (<c>Logging:Console:FormatterName=json</c>): then stdout holds nothing else.</summary>
    public static bool LogsAsJson(this IConfiguration configuration) =>
        string.Equals(configuration["Logging:Console:FormatterName"], ConsoleFormatterNames.Json, StringComparison.OrdinalIgnoreCase);

    /// <summary>appsettings.json, then <c>SLUICE_</c> environment variables, then flags: later sources win.</summary>
    public static WebApplicationBuilder AddSluiceConfiguration(this WebApplicationBuilder builder, string[] args)
    {
        // Defaults under every other source: appsettings.json, SLUICE_ variables and flags all override them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LoggingDefaults });
        builder.Configuration.AddEnvironmentVariables("SLUICE_");
        builder.Configuration.AddCommandLine(args, FlagMappings);

        // The slim builder fixes the console formatter to "simple"; this puts Logging:Console (FormatterName=json or systemd,
        // FormatterOptions) back in the configuration's hands.
        builder.Services.Configure<ConsoleLoggerOptions>(builder.Configuration.GetSection("Logging:Console"));
        builder.Services.AddOptions<SluiceOptions>()
            .Bind(builder.Configuration.GetSection(SluiceOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDir), "Sluice:DataDir must not be empty.")
            .Validate(o => o.PublicBaseUrl is null || Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out _),
                "Sluice:PublicBaseUrl must be an absolute URL such as https://hooks.example.com.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DataDirectory>();
        return builder;
    }

    /// <summary>Where webhook URLs point: <c>Sluice:PublicBaseUrl</c>, else the first address the server listens on.</summary>
    public static string ResolvePublicBaseUrl(this IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<SluiceOptions>>().Value;
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            return options.PublicBaseUrl.TrimEnd('/');
        }

        var server = services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
        var addresses = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? "http://localhost:5000";
        return first.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .TrimEnd('/');
    }
}
