using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Sluice.Server.ApiReference;

/// <summary>
/// What the endpoints cannot say about themselves: the document's title and introduction, the bearer-token scheme, the tags'
/// descriptions, and the ingest URL. Ingest is a plain request delegate answering every method (it is the hot path, and answers
/// 405 itself), so it has no operation metadata; it is described here, whichever node of the deployment serves it.
/// </summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string IngestTag = "Ingest";

    private static readonly (string Name, string Description)[] Tags =
    [
        (IngestTag, "The webhook URL a provider posts its events to. The secret token in the URL is the only credential: no API token."),
        (ApiTags.SourceTypes, "The integrations Sluice knows, in Connect's source-type form."),
        (ApiTags.Sources, "Sources (integrations): each is a schema in the warehouse, fed by its webhook URLs."),
        (ApiTags.WebhookUrls, "A source's webhook URLs: at most 2 live, the URL shown only when it is generated."),
        (ApiTags.Destinations, "The account's warehouse: the embedded DuckDB file, or a PostgreSQL database."),
        (ApiTags.Loads, "Loading figures, the last load per table, and read-only SQL on the warehouse."),
        (ApiTags.Notifications, "In-app notifications: load failures and hooks that could not be delivered."),
        (ApiTags.ApiTokens, "API tokens of the calling account (beyond Stitch). A token is shown only when it is created."),
        (ApiTags.Hooks, "Post-load hooks: after every load, a POST per root table to each enabled hook; the delivery log and replay."),
        (ApiTags.CustomEmails, "Extra recipients of notification email (besides the account's users)."),
    ];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Sluice API",
            Version = "v1",
            Description = """
                Sluice turns webhooks into warehouse tables. Providers post JSON to a source's secret webhook URL (`Ingest`);
                the Connect-compatible API (`/v4`, `/notifications/public/v1/api`) manages sources, their URLs, the destination,
                post-load hooks and notification recipients, and reads loading figures.

                **Authentication.** Every API call needs `Authorization: Bearer <API token>`. The first start of `sluice serve`
                prints the token of account 1 and saves it in `sluice-data/admin-token`; `POST /v4/tokens` makes more. Without a
                valid token the answer is 401 `{"error":{"type":"unauthorized","message":"..."}}`. The ingest URL takes no API
                token: its secret token is the credential.

                **Conventions.** JSON is snake_case; timestamps are ISO-8601 UTC. `/v4` errors are
                `{"error":{"type":"bad_request|not_found|conflict","message":"..."}}`; another account's ids answer 404 like unknown
                ids. The notifications API keeps Stitch's documented error bodies (400 `{"error":"NotFound"}`, ...).
                """,
        };

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerTokenTransformer.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API token of your account: `Authorization: Bearer <token>`. `sluice-data/admin-token` holds account 1's; "
                + "`POST /v4/tokens` creates more, `DELETE /v4/tokens/{id}` revokes one.",
        };

        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var (name, description) in Tags)
        {
            document.Tags.Add(new OpenApiTag { Name = name, Description = description });
        }

        IngestOperations.AddTo(document);
        return Task.CompletedTask;
    }
}
