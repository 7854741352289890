using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Sluice.Server.Accounts;
using Sluice.Server.Notifications;

namespace Sluice.Server.Web;

/// <summary>
/// The top bar of every page, the layout's and the error page's alike: the brand and, for a signed-in user, the main
/// navigation (with the count of notifications not yet dismissed) and Sign out. At phone widths the links fold into a
/// <c>&lt;details&gt;</c> Menu, so the bar stays one row without JavaScript.
/// </summary>
public static class WebHeader
{
    private static readonly (string Href, string Label, string Section)[] Links =
    [
        ("/", "Dashboard", "dashboard"),
        ("/integrations/new", "Add integration", "add"),
        ("/destination", "Destination", "destination"),
        ("/settings/notifications", "Notification settings", "settings"),
        ("/notifications", "Notifications", "notifications"),
        ("/data", "Data", "data"),
    ];

    public static async Task<string> RenderAsync(HttpContext http, string? section)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            // An error page of an address no page has (no authorization ran for it) still knows who is signed in.
            var result = await http.AuthenticateAsync(WebAppExtensions.CookieScheme);
            if (result.Succeeded)
            {
                user = result.Principal;
            }
        }

        var html = HtmlEncoder.Default;
        var text = new StringBuilder("<header class=\"top\"><div class=\"bar\"><a class=\"brand\" href=\"/\">Sluice</a>");
        if (user.Identity?.IsAuthenticated == true)
        {
            var open = await http.RequestServices.GetRequiredService<NotificationService>().CountOpenAsync(user.ClientId(), http.RequestAborted);
            var links = new StringBuilder();
            foreach (var (href, label, name) in Links)
            {
                links.Append(CultureInfo.InvariantCulture, $"<a href=\"{href}\"{(section == name ? " aria-current=\"page\"" : string.Empty)}>{label}");
                if (name == "notifications" && open > 0)
                {
                    links.Append(CultureInfo.InvariantCulture, $" <span class=\"count\" data-field=\"notification-count\" aria-label=\"{open} not dismissed\">{open}</span>");
                }

                links.Append("</a>");
            }

            text.Append("<nav class=\"wide\" aria-label=\"Main\">").Append(links).Append("</nav>");
            text.Append("<details class=\"menu\"><summary>Menu");
            if (open > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" <span class=\"count\" aria-label=\"{open} notifications not dismissed\">{open}</span>");
            }

            text.Append("</summary><nav aria-label=\"Main\">").Append(links).Append("</nav></details>");
            var token = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
            text.Append("<form class=\"who\" method=\"post\" action=\"/signout\"><span>").Append(html.Encode(user.Identity.Name ?? string.Empty)).Append("</span>")
                .Append(CultureInfo.InvariantCulture, $"<input name=\"{html.Encode(token.FormFieldName)}\" type=\"hidden\" value=\"{html.Encode(token.RequestToken ?? string.Empty)}\">")
                .Append("<button type=\"submit\">Sign out</button></form>");
        }

        return text.Append("</div></header>").ToString();
    }
}
