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

    /// <summary>appsettings.json, then <c>SLUICE_</c> environment variables, then flags: later sources win.</summary>
    public static WebApplicationBuilder AddSluiceConfiguration(this WebApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddEnvironmentVariables("SLUICE_");
        builder.Configuration.AddCommandLine(args, FlagMappings);
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
