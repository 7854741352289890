using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;
using Sluice.Core.Integrations;

namespace Sluice.Server.Web;

/// <summary>How the web app shows a catalog entry: its icon (the initials on the entry's colour, no provider logo) and its steps.</summary>
public static partial class IntegrationView
{
    /// <summary>An inline SVG of the entry's initials on its colour, labelled with its name.</summary>
    public static HtmlString Icon(Integration integration, int size = 40)
    {
        ArgumentNullException.ThrowIfNull(integration);
        var words = integration.DisplayName.Split([' ', '.', '-'], StringSplitOptions.RemoveEmptyEntries);
        var initials = words.Length > 1 ? $"{words[0][0]}{words[1][0]}" : integration.DisplayName[..Math.Min(2, integration.DisplayName.Length)];
        var text = IsLight(integration.Color) ? "#1a1a1a" : "#ffffff";
        var svg = $"""<svg class="integration-icon" width="{size}" height="{size}" viewBox="0 0 40 40" role="img" aria-label="{WebUtility.HtmlEncode(integration.DisplayName)}"><rect width="40" height="40" rx="9" fill="{integration.Color}"/><text x="20" y="25.5" text-anchor="middle" font-family="system-ui, sans-serif" font-size="15" font-weight="700" fill="{text}">{WebUtility.HtmlEncode(initials)}</text></svg>""";
        return new HtmlString(svg);
    }

    /// <summary>
    /// A step as HTML: the text encoded, then <c>`code`</c> and <c>**bold**</c>; <c>{webhook_url}</c> becomes
    /// <paramref name="webhookUrl"/>, or a note that the URL is shown once the integration is saved.
    /// </summary>
    public static HtmlString Step(string markdown, string? webhookUrl)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var html = new StringBuilder(WebUtility.HtmlEncode(markdown));
        html.Replace("`{webhook_url}`", webhookUrl is null ? "<em>your webhook URL (shown once the integration is saved)</em>" : "<code class=\"webhook-url\">" + WebUtility.HtmlEncode(webhookUrl) + "</code>");
        var text = Code().Replace(html.ToString(), "<code>$1</code>");
        text = Bold().Replace(text, "<strong>$1</strong>");
        return new HtmlString(text);
    }

    private static bool IsLight(string color)
    {
        var rgb = Convert.FromHexString(color.TrimStart('#'));
        return (0.299 * rgb[0]) + (0.587 * rgb[1]) + (0.114 * rgb[2]) > 160;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"\*\*([^*]+)\*\*")]
    private static partial Regex Bold();
}
