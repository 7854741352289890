using Microsoft.AspNetCore.Mvc;
using Sluice.Core.Sources;
using Sluice.Server.Accounts;
using Sluice.Server.Api;

namespace Sluice.Server.Web.Pages.Integrations;

/// <summary>Name, optional schema name and primary key; then the once-only URL page (rendered, never stored).</summary>
public sealed class NewIntegrationModel(SourceService sources) : WebPage
{
    [BindProperty]
    public string? DisplayName { get; set; }

    [BindProperty]
    public string? SchemaName { get; set; }

    [BindProperty]
    public string? PrimaryKey { get; set; }

    public string? DisplayNameError { get; private set; }

    public string? SchemaNameError { get; private set; }

    public string? PrimaryKeyError { get; private set; }

    public string? FormError { get; private set; }

    public string? CreatedUrl { get; private set; }

    public string? CreatedName { get; private set; }

    public long CreatedId { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var schema = string.IsNullOrWhiteSpace(SchemaName) ? null : SchemaName.Trim();
        var key = string.IsNullOrWhiteSpace(PrimaryKey) ? null : PrimaryKey.Trim();
        if (string.IsNullOrWhiteSpace(DisplayName))
        {
            DisplayNameError = "Enter an integration name, such as “Shop Events”.";
        }

        if (schema is not null && Core.Sources.SchemaName.Validate(schema) is { } schemaError)
        {
            SchemaNameError = schemaError;
        }

        if (key is not null && PrimaryKeyRule.Validate(key) is { } keyError)
        {
            PrimaryKeyError = keyError.Replace("webhookz_primary_key", "The primary key", StringComparison.Ordinal);
        }

        if (DisplayNameError is not null || SchemaNameError is not null || PrimaryKeyError is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var result = await sources.CreateAsync(ClientId, new NewSource(DisplayName!, SourceTypes.IncomingWebhook, schema, key), cancellationToken);
        if (!result.Succeeded)
        {
            var message = result.Error.Message;
            if (message.StartsWith("display_name", StringComparison.Ordinal))
            {
                DisplayNameError = message.Replace("display_name", "The integration name", StringComparison.Ordinal);
            }
            else if (message.Contains("schema name", StringComparison.OrdinalIgnoreCase))
            {
                SchemaNameError = message.Replace(" with \"name\"", " in Schema name", StringComparison.Ordinal)
                    .Replace(" in \"name\"", " in Schema name", StringComparison.Ordinal);
            }
            else
            {
                FormError = message;
            }

            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        // Rendered in this response only (no redirect), so the URL never sits in a cookie, a log or the history.
        Response.Headers.CacheControl = "no-store";
        CreatedId = result.Value.Source.Id;
        CreatedName = result.Value.Source.DisplayName;
        CreatedUrl = WebhookUrls.For(HttpContext.RequestServices, ClientId, result.Value.FirstToken.Token);
        return Page();
    }
}
