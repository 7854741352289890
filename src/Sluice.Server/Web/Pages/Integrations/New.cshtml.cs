using Microsoft.AspNetCore.Mvc;
using Sluice.Core.Integrations;
using Sluice.Core.Sources;
using Sluice.Server.Loading;
using Sluice.Server.Sources;

namespace Sluice.Server.Web.Pages.Integrations;

/// <summary>
/// The gallery of providers (no <see cref="Type"/>), then a provider's setup page: name, optional schema name, the primary
/// key where the integration asks for one, the signing secret where the provider signs; after saving, the once-only URL
/// (rendered, never stored) and the provider's steps with it filled in.
/// </summary>
public sealed class NewIntegrationModel(SourceService sources, SourceStatsService stats) : WebPage
{
    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty]
    public string? SigningSecret { get; set; }

    public Integration? Integration { get; private set; }

    public string? SigningSecretError { get; private set; }

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

    /// <summary>A ready command that sends a first event to the new URL; null when the provider checks signatures (it would be refused).</summary>
    public string? CreatedCurl { get; private set; }

    public IActionResult OnGet()
    {
        if (Type is null)
        {
            return Page();
        }

        Integration = IntegrationCatalog.Find(Type);
        return Integration is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Integration = IntegrationCatalog.Find(Type ?? SourceTypes.IncomingWebhook);
        if (Integration is null)
        {
            return NotFound();
        }

        var secret = string.IsNullOrWhiteSpace(SigningSecret) ? null : SigningSecret.Trim();
        if (secret is not null && SigningSecrets.Validate(Integration, secret) is { } secretError)
        {
            SigningSecretError = secretError.Replace("signing_secret", Integration.Signature?.SecretLabel ?? "The secret", StringComparison.Ordinal);
        }

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

        if (DisplayNameError is not null || SchemaNameError is not null || PrimaryKeyError is not null || SigningSecretError is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var result = await sources.CreateAsync(ClientId, new NewSource(DisplayName!, Integration.SourceType, schema, key) { SigningSecret = secret }, cancellationToken);
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
        CreatedCurl = secret is null ? FirstEventCurl(CreatedUrl, result.Value.Source.PrimaryKey) : null;
        return Page();
    }

    /// <summary>
    /// <c>GET /integrations/new?handler=FirstEvent&amp;id=N</c>: when the integration's first event arrived (null until then),
    /// polled by the page that shows the new URL.
    /// </summary>
    public async Task<IActionResult> OnGetFirstEventAsync(long id, CancellationToken cancellationToken)
    {
        var source = await sources.GetAsync(ClientId, id, cancellationToken);
        if (!source.Succeeded)
        {
            return NotFound();
        }

        var figures = await stats.GetAsync(source.Value, cancellationToken);
        DateTime? first = (figures.ArchiveOldestReceivedAt, figures.LastRowsReceivedAt) switch
        {
            ({ } archived, { } last) => archived < last ? archived : last,
            (var archived, var last) => archived ?? last,
        };
        Response.Headers.CacheControl = "no-store";
        return new JsonResult(new { received_at = first is null ? null : WebFormat.When(first) });
    }

    /// <summary>
    /// A curl of one JSON record the source loads: every primary key field filled (a captured header's column as that header),
    /// so the record is not rejected for a missing key.
    /// </summary>
    internal static string FirstEventCurl(string url, string? primaryKey)
    {
        var headers = new List<string> { "-H 'Content-Type: application/json'" };
        var fields = new List<string>();
        foreach (var part in (primaryKey ?? "id").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("_sdc_header_", StringComparison.Ordinal))
            {
                headers.Add($"-H '{part["_sdc_header_".Length..].Replace('_', '-')}: first-event-1'");
            }
            else
            {
                fields.Add($"\"{part.Replace("\"", "\\\"", StringComparison.Ordinal).Replace("'", "'\\''", StringComparison.Ordinal)}\": \"first-event-1\"");
            }
        }

        fields.Add("\"message\": \"Hello from curl\"");
        return $"curl -X POST '{url}' {string.Join(' ', headers)} -d '{{{string.Join(", ", fields)}}}'";
    }
}
