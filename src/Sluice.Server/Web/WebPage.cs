using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Sluice.Server.Accounts;

namespace Sluice.Server.Web;

/// <summary>Base of every signed-in page: the session's account, and the one-line messages shown after an action.</summary>
public abstract class WebPage : PageModel
{
    /// <summary>The signed-in user's account; every service call is scoped by it, so other accounts' ids answer 404.</summary>
    protected long ClientId => User.ClientId();

    /// <summary>A message shown once at the top of the next page (after a redirect).</summary>
    [TempData]
    public string? Flash { get; set; }

    /// <summary>Redirects to this page (GET) with a message, so a reload does not post again.</summary>
    protected RedirectToPageResult Done(string message, object? routeValues = null)
    {
        Flash = message;
        return RedirectToPage(routeValues);
    }
}
