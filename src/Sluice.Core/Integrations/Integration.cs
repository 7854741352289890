namespace Sluice.Core.Integrations;

/// <summary>
/// One provider of the branded-integrations catalog (issue 17): the fields of Stitch's webhook-integration template
/// (<c>../shared/seeds/000_*.txt</c>: name, display name, status, branded, tier, primary key, ...) and its sections (setup
/// steps, replication notes, schema notes), plus what Sluice does for the provider: the default table layout, the
/// signature check, the handshake and the body format. Entries are data in <see cref="IntegrationCatalog"/>.
/// </summary>
public sealed record Integration
{
    /// <summary>The catalog name; the source type is <c>webhook.&lt;name&gt;</c>.</summary>
    public required string Name { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>One line for the gallery.</summary>
    public required string Summary { get; init; }

    /// <summary>Stitch's template status: Released, Open Beta, ...</summary>
    public string Status { get; init; } = "Released";

    /// <summary>False for Mandrill, which Stitch sets up through the generic integration with a primary-key step.</summary>
    public bool Branded { get; init; } = true;

    /// <summary>True for the types Stitch documents (BEHAVIOUR.md §2, §7.6); false for the ones Sluice adds.</summary>
    public bool Stitch { get; init; }

    public string Tier { get; init; } = "Standard";

    /// <summary><c>details.protocol</c> in <c>GET /v4/source-types</c>: <c>incoming-webhook</c>, SendGrid <c>sendgrid</c>, Segment <c>segment_webhooks</c>.</summary>
    public string Protocol { get; init; } = "incoming-webhook";

    /// <summary>The icon's colour (an SVG of the initials on this background: no provider's logo is shipped).</summary>
    public required string Color { get; init; }

    public IntegrationLayout Layout { get; init; } = IntegrationLayout.Data;

    /// <summary>How requests are signed; null when the provider does not sign them.</summary>
    public SignatureRule? Signature { get; init; }

    public BodyFormat Body { get; init; } = BodyFormat.Json;

    public Handshake Handshake { get; init; } = Handshake.None;

    /// <summary>Records dropped at ingest, as the provider's documented layout says (SendGrid's <c>dropped</c> events without <c>email</c>).</summary>
    public DropRule? Drop { get; init; }

    /// <summary>Setup steps in the provider's app, Markdown; <c>{webhook_url}</c> stands for the source's URL.</summary>
    public required IReadOnlyList<string> Steps { get; init; }

    /// <summary>Prerequisites (plan, permissions), Markdown; empty when there are none.</summary>
    public string Prerequisites { get; init; } = string.Empty;

    public string ReplicationNotes { get; init; } = string.Empty;

    public string SchemaNotes { get; init; } = string.Empty;

    /// <summary>The Connect source type, <c>webhook.&lt;name&gt;</c>.</summary>
    public string SourceType => IntegrationCatalog.TypePrefix + Name;

    /// <summary>Whether the source's <c>signing_secret</c> property means anything for this provider.</summary>
    public bool HasSigningSecret => Signature is not null || Handshake == Handshake.ZoomUrlValidation;
}

/// <summary>
/// The default table layout of a provider's sources (issue 16's properties): applied at creation, each changeable later
/// unless <see cref="PrimaryKeyReadOnly"/> fixes the key.
/// </summary>
/// <param name="TableFrom">A <c>table_from</c> route (<c>header:X-GitHub-Event</c>, <c>field:type</c>, <c>table:events</c>), or null: <c>data</c>.</param>
/// <param name="CaptureHeaders">Request headers kept as <c>_sdc_header_*</c> columns.</param>
/// <param name="PrimaryKey">The <c>webhookz_primary_key</c>, or null: append-only.</param>
/// <param name="PrimaryKeyReadOnly">Customer.io's <c>event_id</c>: system-provided; another key answers 400.</param>
/// <param name="Note">The defaults in words, for the entry's page.</param>
public sealed record IntegrationLayout(string? TableFrom, IReadOnlyList<string> CaptureHeaders, string? PrimaryKey, bool PrimaryKeyReadOnly, string Note)
{
    public static readonly IntegrationLayout Data = new(null, [], null, false, "Every event is a row of `data`, append-only.");
}

/// <summary>What a provider posts.</summary>
public enum BodyFormat
{
    /// <summary>JSON only; form bodies answer 415 (the generic integration).</summary>
    Json,

    /// <summary>JSON, or GitHub's <c>application/x-www-form-urlencoded</c> form with the JSON in its <c>payload</c> field.</summary>
    JsonOrPayloadField,

    /// <summary>Mandrill: a form whose <c>mandrill_events</c> field is a JSON array of events.</summary>
    MandrillEvents,

    /// <summary>JSON, or a form whose fields become one record (Twilio, Mailgun's legacy webhooks).</summary>
    JsonOrFormFields,
}

/// <summary>A request a provider sends to check the URL, answered without storing anything.</summary>
public enum Handshake
{
    None,

    /// <summary>Slack Events API: <c>{"type":"url_verification","challenge":...}</c> answered with the challenge.</summary>
    SlackUrlVerification,

    /// <summary>Zoom: <c>{"event":"endpoint.url_validation","payload":{"plainToken":...}}</c> answered with the token and its HMAC.</summary>
    ZoomUrlValidation,

    /// <summary>Dropbox: <c>GET ?challenge=...</c> answered with the challenge as text.</summary>
    GetChallenge,
}

/// <summary>Drops records whose <see cref="Field"/> equals <see cref="Value"/> and whose <see cref="MissingField"/> is absent or null.</summary>
public sealed record DropRule(string Field, string Value, string MissingField, string Note);
