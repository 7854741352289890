using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Sluice.Server.Accounts;

namespace Sluice.Server.Web.Pages;

/// <summary>Email and password; a wrong email and a wrong password give the same answer.</summary>
public sealed class SignInModel(UserService users) : PageModel
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
        var user = await users.VerifyAsync(Email ?? string.Empty, Password ?? string.Empty, cancellationToken);
        if (user is null)
        {
            Error = "The email or the password is not right. Check both and try again.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await HttpContext.SignInAsync(WebAppExtensions.CookieScheme, WebSession.Principal(user));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
