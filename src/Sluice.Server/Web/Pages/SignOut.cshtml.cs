using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Sluice.Server.Web.Pages;

/// <summary>Ends the session (POST only, with anti-forgery, so a link on another site cannot sign you out).</summary>
public sealed class SignOutModel : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(WebAppExtensions.CookieScheme);
        return Redirect("/signin");
    }
}
