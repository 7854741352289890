using System.Globalization;
using System.Security.Claims;

namespace Sluice.Server.Accounts;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The account (<c>client_id</c>) of an API-token-authenticated request.</summary>
    public static long ClientId(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var value = user.FindFirstValue(ApiTokenAuthenticationHandler.ClientIdClaim)
            ?? throw new InvalidOperationException("The request is not authenticated with an API token.");
        return long.Parse(value, CultureInfo.InvariantCulture);
    }
}
