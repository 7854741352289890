using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Sluice.Server.Accounts;

/// <summary><c>Authorization: Bearer ac_...</c> for the Connect API; answers 401 with a JSON error body.</summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiTokenService tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string ClientIdClaim = "sluice:client_id";
    public const string TokenIdClaim = "sluice:api_token_id";

    private const string MissingMessage = "Missing API token: send the header 'Authorization: Bearer <api token>'.";
    private const string InvalidMessage = "The API token is not valid: it is unknown, revoked or malformed.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrWhiteSpace(header))
        {
            return AuthenticateResult.NoResult();
        }

        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? header : header[..space];
        if (!scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must use the Bearer scheme: 'Authorization: Bearer <api token>'.");
        }

        var token = space < 0 ? string.Empty : header[(space + 1)..].Trim();
        var principal = await tokens.AuthenticateAsync(token, Context.RequestAborted);
        if (principal is null)
        {
            return AuthenticateResult.Fail(InvalidMessage);
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClientIdClaim, principal.ClientId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(TokenIdClaim, principal.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var message = result.Failure?.Message ?? MissingMessage;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Response.WriteAsJsonAsync(
            new { error = new { type = "unauthorized", message } },
            Context.RequestAborted);
    }
}
