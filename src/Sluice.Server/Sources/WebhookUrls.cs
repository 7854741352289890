using System.Globalization;
using Sluice.Server.Hosting;

namespace Sluice.Server.Sources;

internal static class WebhookUrls
{
    /// <summary><c>&lt;PublicBaseUrl&gt;/v1/clients/&lt;client_id&gt;/token/&lt;token&gt;</c>.</summary>
    public static string For(IServiceProvider services, long clientId, string token) =>
        string.Create(CultureInfo.InvariantCulture, $"{services.ResolvePublicBaseUrl()}/v1/clients/{clientId}/token/{token}");
}
