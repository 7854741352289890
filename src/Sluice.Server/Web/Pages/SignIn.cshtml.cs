using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Sluice.Server.Accounts;

namespace Sluice.Server.Web.Pages;

/// <summary>Email and password; a wrong email and a wrong password give the same answer.</summary>
public sealed class SignInModel(UserService users, SignInThrottle throttle) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var email = Email ?? string.Empty;
        var wait = throttle.RetryAfter(email);
        if (wait > TimeSpan.Zero)
        {
            var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
            Error = $"Too many failed sign-ins for this email. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page();
        }

        var user = await users.VerifyAsync(email, Password ?? string.Empty, cancellationToken);
        if (user is null)
        {
            throttle.Failed(email);
            Error = "The email or the password is not right. Check both and try again.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        throttle.Succeeded(email);
        await HttpContext.SignInAsync(WebAppExtensions.CookieScheme, WebSession.Principal(user));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
