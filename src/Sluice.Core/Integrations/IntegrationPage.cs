using System.Globalization;
using System.Text;

namespace Sluice.Core.Integrations;

/// <summary>
/// An entry's documentation page (<c>docs/integrations/&lt;name&gt;.md</c>), laid out like Stitch's webhook-integration
/// template (<c>../shared/seeds/000_*.txt</c>): front matter, then setup, replication notes and schema notes. Written by
/// <c>sluice integrations docs</c>; a test keeps the checked-in pages equal to what the catalog says.
/// </summary>
public static class IntegrationPage
{
    public static string FileName(Integration integration)
    {
        ArgumentNullException.ThrowIfNull(integration);
        return integration.Name + ".md";
    }

    public static string Render(Integration integration)
    {
        ArgumentNullException.ThrowIfNull(integration);
        var layout = integration.Layout;
        var page = new StringBuilder();
        void Line(string text = "") => page.Append(text).Append('\n');
        string Quote(string text) => "\"" + text.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

        Line("---");
        Line($"title: {integration.DisplayName}");
        Line($"permalink: /integrations/webhooks/{integration.Name}");
        Line($"keywords: {integration.Name}, integration, schema, etl {integration.Name}, {integration.Name} etl, {integration.Name} schema");
        Line();
        Line($"name: {Quote(integration.Name)}");
        Line($"display_name: {Quote(integration.DisplayName)}");
        Line($"source_type: {Quote(integration.SourceType)}");
        Line($"status: {Quote(integration.Status)}");
        Line("type: \"Webhook\"");
        Line($"branded: {(integration.Branded ? "true" : "false")}");
        Line($"stitch: {(integration.Stitch ? "true" : "false")}");
        Line("historical: \"Webhook\"");
        Line("frequency: \"Continuous\"");
        Line($"tier: {Quote(integration.Tier)}");
        Line($"protocol: {Quote(integration.Protocol)}");
        Line($"icon: {Quote("initials on " + integration.Color)}");
        Line();
        Line("whitelist:");
        Line("  tables: false");
        Line("  columns: false");
        Line("primary-key:");
        Line($"  defined: {(layout.PrimaryKey is null ? "false" : "true")}");
        Line($"  field: {Quote(layout.PrimaryKey ?? string.Empty)}");
        Line($"  read-only: {(layout.PrimaryKeyReadOnly ? "true" : "false")}");
        Line($"table-from: {Quote(layout.TableFrom ?? string.Empty)}");
        Line($"capture-headers: [{string.Join(", ", layout.CaptureHeaders.Select(Quote))}]");
        Line($"signature: {Quote(integration.Signature is null ? "none" : $"{integration.Signature.Kind} in {integration.Signature.Header}")}");
        Line($"body: {Quote(integration.Body.ToString())}");
        Line($"handshake: {Quote(integration.Handshake.ToString())}");
        Line();
        Line("anchor-scheduling: false");
        Line("extraction-logs: false");
        Line("loading-reports: false");
        Line("---");
        Line();
        Line($"# {integration.DisplayName}");
        Line();
        Line(integration.Summary);
        Line();
        Line("<!-- Written by `sluice integrations docs docs/integrations` from src/Sluice.Core/Integrations; edit the catalog, not this page. -->");
        Line();
        Line("## Setup");
        Line();
        var steps = new List<string> { $"In Sluice, **Add integration > {integration.DisplayName}**, name it{(integration.Branded ? string.Empty : " and, optionally, give a primary key")}{(integration.HasSigningSecret ? $", and paste the {(integration.Signature?.SecretLabel ?? "secret token").ToLowerInvariant()}" : string.Empty)}; save, and copy the webhook URL it shows once." };
        steps.AddRange(integration.Steps.Select(s => s.Replace("`{webhook_url}`", "the webhook URL", StringComparison.Ordinal)));
        if (!string.IsNullOrEmpty(integration.Prerequisites))
        {
            Line("Prerequisites: " + integration.Prerequisites);
            Line();
        }

        for (var i = 0; i < steps.Count; i++)
        {
            Line(string.Create(CultureInfo.InvariantCulture, $"{i + 1}. {steps[i]}"));
        }

        Line();
        Line("Or with the API:");
        Line();
        Line("```sh");
        var properties = integration.HasSigningSecret ? $",\"properties\":{{\"signing_secret\":\"...\"}}" : string.Empty;
        Line($"curl -s -H \"$AUTH\" -H 'Content-Type: application/json' -X POST $S/v4/sources -d '{{\"display_name\":\"{integration.DisplayName}\",\"type\":\"{integration.SourceType}\"{properties}}}'");
        Line("```");
        Line();
        if (integration.Signature is { } rule)
        {
            Line("## Signature check");
            Line();
            Line($"With the {rule.SecretLabel.ToLowerInvariant()} set ({rule.SecretHelp}), every request must carry a valid `{rule.Header}`"
                + (rule.TimestampHeader is null ? string.Empty : $" and `{rule.TimestampHeader}`")
                + (rule.Tolerance is { } tolerance ? string.Create(CultureInfo.InvariantCulture, $", signed at most {(int)tolerance.TotalSeconds} s before it arrives") : string.Empty)
                + ". A missing or wrong signature answers 401 with the header that was wrong (never the expected value), nothing is stored, "
                + "and the refusal is counted in the integration's settings. A new secret leaves the previous one valid for 24 hours.");
            Line();
        }

        if (integration.Handshake != Handshake.None)
        {
            Line("## URL check");
            Line();
            Line(integration.Handshake switch
            {
                Handshake.SlackUrlVerification => "Slack's `url_verification` request is answered with its `challenge`; it is not stored.",
                Handshake.ZoomUrlValidation => "Zoom's `endpoint.url_validation` request is answered with the `plainToken` and its HMAC-SHA256 with the secret token (`encryptedToken`); it is not stored.",
                _ => "The provider's `GET ?challenge=...` is answered with the challenge as text.",
            });
            Line();
        }

        Line("## Replication");
        Line();
        Line(integration.ReplicationNotes);
        Line();
        Line("## Schema");
        Line();
        Line(layout.Note);
        Line();
        Line(integration.SchemaNotes);
        if (integration.Drop is { } drop)
        {
            Line();
            Line(drop.Note);
        }

        if (integration.Body != BodyFormat.Json)
        {
            Line();
            Line(integration.Body switch
            {
                BodyFormat.JsonOrPayloadField => "Bodies may be JSON or a form whose `payload` field holds the JSON.",
                BodyFormat.MandrillEvents => "Bodies are forms whose `mandrill_events` field is a JSON array; each event is a record.",
                _ => "Bodies may be JSON or a form; a form's fields become one record (a field sent twice, an array).",
            });
        }

        Line();
        Line("Every row also has Sluice's system columns (`_sdc_received_at`, `_sdc_sequence`, `_sdc_batched_at`, `_sdc_table_version`), and `_sluice_columns` maps each column to its JSON path.");
        return page.ToString();
    }
}
