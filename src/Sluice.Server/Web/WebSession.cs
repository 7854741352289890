using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Sluice.Server.Accounts;
using Sluice.Storage;

namespace Sluice.Server.Web;

/// <summary>
/// A signed-in session: one user of one account. The cookie carries the user id, the account (<c>client_id</c>, the same
/// claim API tokens carry, so <see cref="ClaimsPrincipalExtensions.ClientId"/> works for both) and a stamp of the password
/// hash, so a session ends when its user is gone or their password was reset.
/// </summary>
public static class WebSession
{
    public const string UserIdClaim = "sluice:user_id";
    public const string StampClaim = "sluice:password_stamp";

    public static ClaimsPrincipal Principal(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, user.Email),
                new Claim(UserIdClaim, user.Id.ToString(CultureInfo.InvariantCulture)),
                new Claim(ApiTokenAuthenticationHandler.ClientIdClaim, user.AccountId.ToString(CultureInfo.InvariantCulture)),
                new Claim(StampClaim, Stamp(user.PasswordHash)),
            ],
            WebAppExtensions.CookieScheme);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Rejects the cookie of a user who no longer exists, moved account, or whose password changed.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var principal = context.Principal;
        var users = context.HttpContext.RequestServices.GetRequiredService<UserService>();
        if (principal is null
            || !long.TryParse(principal.FindFirstValue(UserIdClaim), CultureInfo.InvariantCulture, out var userId)
            || !long.TryParse(principal.FindFirstValue(ApiTokenAuthenticationHandler.ClientIdClaim), CultureInfo.InvariantCulture, out var clientId)
            || await users.GetAsync(userId, clientId, context.HttpContext.RequestAborted) is not { } user
            || principal.FindFirstValue(StampClaim) != Stamp(user.PasswordHash))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(WebAppExtensions.CookieScheme);
        }
    }

    private static string Stamp(string passwordHash) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(passwordHash)))[..16];
}
