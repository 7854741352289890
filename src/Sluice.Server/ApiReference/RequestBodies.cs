using System.ComponentModel;

namespace Sluice.Server.ApiReference;

// The request bodies as the document describes them. The endpoints read their bodies field by field (JsonBody), so that each
// mistake gets its own message; these records only give the document their shape. ApiReferenceTests checks that each one names
// exactly the fields its endpoint accepts.

[Description("A new source. Unknown fields answer 400 naming the allowed ones.")]
public sealed record SourceCreateBody(
    [property: Description("What the web app and the API show, e.g. `Shop Events`.")] string DisplayName,
    [property: Description("`webhook.incoming-webhook`, or a provider's `webhook.<name>`; GET /v4/source-types lists them.")] string Type,
    [property: Description("The schema name; default the display name lowercased, `.()` removed, spaces and `-` as `_`. Immutable.")] string? Name,
    [property: Description("How records become tables.")] SourcePropertiesBody? Properties,
    [property: Description("The account's destination to load into; default its only one.")] long? DestinationId);

[Description("Changes to a source: only the fields given change. Changing `name`, `type` or the primary key answers 400.")]
public sealed record SourceUpdateBody(
    [property: Description("A new display name (not null).")] string? DisplayName,
    [property: Description("true pauses the source (its URLs answer 401), false resumes it.")] bool? Paused,
    [property: Description("Immutable: must be the current schema name if given.")] string? Name,
    [property: Description("Immutable: must be the current type if given.")] string? Type,
    [property: Description("`table_from`, `capture_headers`, `max_depth` (null clears; applies to records loaded from then on), `signing_secret`.")] SourcePropertiesBody? Properties);

[Description("A source's properties. Each is optional.")]
public sealed record SourcePropertiesBody(
    [property: Description("The primary key: a top-level field (at most 50 characters), several joined by `:` for a composite key, or a captured header's `_sdc_header_*` column. Without it tables are append-only. Set only at creation.")] string? WebhookzPrimaryKey,
    [property: Description("The root table of each record: `header:<Name>`, `field:<dotted.path>` or `table:<name>`.")] string? TableFrom,
    [property: Description("Request headers kept as `_sdc_header_*` columns, at most 20.")] string[]? CaptureHeaders,
    [property: Description("Objects and arrays deeper than this (0-64) are kept as one JSON column.")] int? MaxDepth,
    [property: Description("Provider integrations: the signing secret; write-only (the source says `signing_secret_set`). A new one leaves the previous valid 24 hours.")] string? SigningSecret);

[Description("A PostgreSQL destination. POST needs `type` `postgres` and `connection`; PUT changes the fields given (the password stays unless given).")]
public sealed record DestinationBody(
    [property: Description("`postgres` (PUT: the current type, or leave it out).")] string? Type,
    [property: Description("A name for the destination.")] string? Name,
    [property: Description("Same as `name`.")] string? DisplayName,
    [property: Description("The connection; checked before it is saved.")] PostgresConnectionBody? Connection);

public sealed record PostgresConnectionBody(
    string Host,
    [property: Description("Default 5432.")] int? Port,
    string Username,
    [property: Description("Never returned.")] string? Password,
    string Database,
    [property: Description("`disable`, `allow`, `prefer` (default), `require`, `verify-ca` or `verify-full`.")] string? Sslmode);

[Description("An API token; the body may be empty.")]
public sealed record ApiTokenCreateBody([property: Description("A label, at most 200 characters.")] string? Name);

[Description("One read-only SQL statement on the account's destination.")]
public sealed record QueryBody(
    [property: Description("e.g. `SELECT count(*) FROM shop_events.data`.")] string Sql,
    [property: Description("At most this many rows (1-10000, default 10000); `truncated` says whether there were more.")] int? MaxRows);

[Description("A post-load hook: exactly these fields, else 400 `Invalid POST body`.")]
public sealed record HookCreateBody(
    [property: Description("`post_load`.")] string Type,
    [property: Description("The account's destination whose loads the hook hears about.")] long DestinationId,
    HookConfigBody Config);

public sealed record HookConfigBody([property: Description("An absolute https:// URL (else 400 `Invalid URI`).")] string Url);

[Description("Exactly `{\"enable\": true|false}`.")]
public sealed record EnableBody(bool Enable);

[Description("Exactly `{\"email_address\": \"...\"}`.")]
public sealed record CustomEmailCreateBody(string EmailAddress);
