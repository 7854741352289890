namespace Sluice.Core.Integrations;

/// <summary>Stitch's webhook integrations (BEHAVIOUR.md §2 and §7.6), with the layouts Stitch documents.</summary>
public static partial class IntegrationCatalog
{
    private static IEnumerable<Integration> StitchEntries()
    {
        yield return Stitched("aftership", "AfterShip", "Shipment tracking updates from AfterShip.", "#ff6b2b",
            Paste("AfterShip, **Settings > Notifications > Webhooks** (needs an AfterShip plan with webhooks; webhook version 4)",
                "Copy the webhook secret AfterShip shows and paste it into Sluice as the signing secret.")) with
        {
            Signature = new SignatureRule(SignatureKind.BodyHmac, "aftership-hmac-sha256", "Webhook secret") { Encoding = SignatureEncoding.Base64, SecretHelp = "AfterShip > Settings > Notifications > Webhooks > Webhook secret" },
            ReplicationNotes = "Append-only: every tracking update adds a row to `data` (attribute `id` is the shipment id, repeated across updates).",
        };
        yield return Stitched("branch", "Branch", "Deep-link and attribution events from Branch.", "#0075c9",
            Paste("Branch's dashboard, **Data Feeds > Webhooks > Add a new webhook**; keep the method `POST`", "Choose the events to send (e.g. `install`, `open`, `click`)."));
        yield return Stitched("contentful", "Contentful", "Entry and asset publishing events from Contentful.", "#2478cc",
            ["In Contentful, **Settings > Webhooks > Add Webhook**.", "Paste the entire URL `{webhook_url}` in the URL field, method `POST`; no HTTP authentication.", "Choose the triggers (the schema varies with the events selected) and save; use **Call webhook** to send a test."]);
        yield return Stitched("customerio", "Customer.io", "Email, push and SMS delivery events from Customer.io.", "#7131ff",
            ["In Customer.io, **Data & Integrations > Integrations > Reporting Webhooks > Add Reporting Webhook**.", "Paste `{webhook_url}` as the endpoint and choose the events.", "Copy the webhook signing key and paste it into Sluice.", "Press **Test** in Customer.io; the event appears in `data`."]) with
        {
            Layout = new IntegrationLayout(null, [], "event_id", true, "Rows are keyed by Customer.io's `event_id` (system-provided, read-only): a resent event replaces its row."),
            Signature = new SignatureRule(SignatureKind.TimestampedHmac, "X-CIO-Signature", "Webhook signing key") { TimestampHeader = "X-CIO-Timestamp", MessageFormat = "v0:{timestamp}:{body}", Tolerance = FiveMinutes, SecretHelp = "Customer.io > Reporting Webhooks > your webhook > Signing key" },
            ReplicationNotes = "Incremental: rows are upserted by `event_id`.",
        };
        yield return Stitched("drip", "Drip", "Subscriber and campaign events from Drip.", "#ea4c89",
            Paste("Drip, **Settings > Webhooks > New Webhook**", "Pick the events (`subscriber.created`, `subscriber.applied_tag`, ...); each payload holds a `subscriber` object plus the event's details."));
        yield return Stitched("formkeep", "FormKeep", "Form submissions collected by FormKeep.", "#2bb673",
            Paste("FormKeep, your form's **Settings > Webhook**", "If the form already posts to a webhook URL, use the Zapier integration instead.")) with
        {
            SchemaNotes = "Each submission is a row of `data`: one column per form field plus `created_at`. There is no primary key; all columns with `created_at` identify a submission.",
        };
        yield return Stitched("iterable", "Iterable", "System webhooks (email, push, in-app events) from Iterable.", "#5c2d91",
            Paste("Iterable, **Integrations > System Webhooks > Create Webhook**", "Enable the webhook and choose the event types."));
        yield return Stitched("mailjet", "Mailjet", "Email events (sent, open, click, bounce) from Mailjet.", "#fead0d",
            ["In Mailjet, **Account settings > Event tracking (triggers)**.", "Paste `{webhook_url}` for each event type you want (Mailjet takes a URL per event); add `user:password@` after `https://` if you set a user and password into Sluice.", "Tick **Group events** to receive arrays; each event is one row."]) with
        {
            Signature = new SignatureRule(SignatureKind.BasicAuth, "Authorization", "User and password") { SecretHelp = "the user:password you put in the URL in Mailjet" },
        };
        yield return Stitched("particleio", "Particle.io", "Device events published by Particle devices.", "#00aeef",
            ["In the Particle console, **Integrations > New Integration > Webhook**.", "Event name: the device event; URL `{webhook_url}`; Request Type `POST`; Request Format JSON.", "Particle allows 20 webhooks per user and 10 triggers per minute per device."]);
        yield return Stitched("sendwithus", "SendWithUs", "Email events forwarded by SendWithUs from your ESP.", "#3b8fd9",
            Paste("SendWithUs, **Settings > Webhooks**", "The schema depends on the ESP whose events SendWithUs forwards."));
        yield return Stitched("sparkpost", "SparkPost", "Message events (delivery, bounce, engagement) from SparkPost.", "#fa6423",
            ["In SparkPost, **Configuration > Webhooks > New Webhook**.", "Target URL `{webhook_url}`; Authentication **Basic Auth** with a user and password (give Sluice the same as user:password), or None.", "Choose the events and press **Send Test Batch** (an array: one row per event). A `5xx` answer means Sluice is unavailable: see its /readyz."]) with
        {
            Signature = new SignatureRule(SignatureKind.BasicAuth, "Authorization", "User and password") { SecretHelp = "the Basic Auth user:password set on the SparkPost webhook" },
            SchemaNotes = "Events load into `data`; SparkPost's nesting flattens, e.g. `geo_ip__country`, `geo_ip__region`, `geo_ip__city`, `geo_ip__latitude`, `geo_ip__longitude`.",
        };
        yield return Stitched("vero", "Vero", "Email events from Vero.", "#1fb6ff",
            Paste("Vero, **Settings > Integrations > Webhooks**", "Each event has a `type` attribute (`sent`, `opened`, `clicked`, ...)."));
        yield return Stitched("zapier", "Zapier", "Anything a Zap can send: the data of its previous steps.", "#ff4a00",
            ["In your Zap, add an action **Webhooks by Zapier > POST**.", "URL `{webhook_url}`, Payload Type **JSON**.", "Map the key/value pairs to send, or leave Data empty to send the previous step's raw data."]);
        yield return new Integration
        {
            Name = "sendgrid",
            DisplayName = "SendGrid",
            Summary = "Email events (delivered, open, click, bounce, dropped) from SendGrid's Event Webhook.",
            Stitch = true,
            Protocol = "sendgrid",
            Color = "#1a82e2",
            Layout = new IntegrationLayout("table:events", [], "event:email:timestamp", false,
                "Events load into `events` (not `data`), keyed by `event`, `email` and `timestamp` together (Stitch's key `event:email:timestamp`), with the `category` array in `events__category` (`_sdc_source_key_event`, `_sdc_source_key_email`, `_sdc_source_key_timestamp`, `_sdc_level_0_id`, `value`)."),
            Drop = new DropRule("event", "dropped", "email", "`dropped` events whose `email` is null are not kept, as Stitch documents."),
            Signature = new SignatureRule(SignatureKind.Ecdsa, "X-Twilio-Email-Event-Webhook-Signature", "Verification key")
            {
                TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp",
                Tolerance = FiveMinutes,
                SecretHelp = "SendGrid > Settings > Mail Settings > Event Webhook > Signed Event Webhook > Verification Key (the public key, base64)",
            },
            Steps =
            [
                "In SendGrid, **Settings > Mail Settings > Event Webhook > Create new webhook**.",
                "HTTP Post URL `{webhook_url}`; choose the engagement and deliverability events.",
                "Turn on **Signed Event Webhook**, copy the verification key and paste it into Sluice.",
                "Press **Test Integration**: SendGrid posts an array of events; each becomes a row of `events`.",
            ],
            ReplicationNotes = "Keyed by `event:email:timestamp`, as Stitch documents: an event SendGrid sends again replaces its row. Two events of one type, address and second (two clicks in the same second) are one row, as in Stitch.",
            SchemaNotes = "`events` holds one row per event; `events__category` holds the event's categories, one row per category, with `_sdc_level_0_id` and `value`. `dropped` events with a null `email` are not kept.",
        };
        yield return new Integration
        {
            Name = "segment",
            DisplayName = "Segment",
            Summary = "Tracking calls (identify, track, page, screen, group) from a Segment source.",
            Stitch = true,
            Protocol = "segment_webhooks",
            Color = "#52bd94",
            Layout = new IntegrationLayout("field:type", [], "messageId", false,
                "One table per call type, `group`, `identify`, `page`, `screen` and `track`, each keyed by Segment's `messageId`: a retried call replaces its row."),
            Signature = new SignatureRule(SignatureKind.BodyHmac, "X-Signature", "Shared secret") { Algorithm = SignatureAlgorithm.Sha1, SecretHelp = "Segment > Connections > your Webhooks destination > Settings > Shared Secret" },
            Steps =
            [
                "In Segment, **Connections > Catalog > Destinations > Webhooks (Actions)**, connect it to the source whose data you want.",
                "Webhook URL `{webhook_url}`; set a shared secret and paste it into Sluice.",
                "To send only some calls, use the integrations object: `{'Stitch': true}` selects this destination in Segment's snippet.",
                "Send data from the source; each call type fills its own table.",
            ],
            ReplicationNotes = "Incremental: rows are upserted by `messageId` in each table.",
            SchemaNotes = "Each table holds the fields common to every call (`anonymousId`, `context`, `messageId`, `timestamp`, ...) plus the call's own (`event` and `properties` for `track`, `traits` for `identify`).",
        };
        yield return new Integration
        {
            Name = "mandrill",
            DisplayName = "Mandrill",
            Summary = "Message, sync and inbound events from Mailchimp Transactional (Mandrill).",
            Stitch = true,
            Branded = false,
            Color = "#c02539",
            Body = BodyFormat.MandrillEvents,
            Signature = new SignatureRule(SignatureKind.UrlAndForm, "X-Mandrill-Signature", "Webhook key") { Algorithm = SignatureAlgorithm.Sha1, Encoding = SignatureEncoding.Base64, SecretHelp = "Mandrill > Settings > Webhooks > the webhook's key" },
            Steps =
            [
                "Set up as Incoming Webhooks, as Stitch does: name the integration and, optionally, a primary key (e.g. `_id`).",
                "In Mandrill, **Settings > Webhooks > Add a Webhook**, post to `{webhook_url}` and pick the message, sync or inbound events.",
                "Copy the webhook's key and paste it into Sluice: Mandrill signs the URL and the posted `mandrill_events`.",
            ],
            ReplicationNotes = "Mandrill posts a form whose `mandrill_events` field is a JSON array; each event becomes a row of `data`.",
            SchemaNotes = "Events load into `data`; their nested arrays (e.g. `msg__opens`, `msg__clicks`) become subtables, so row counts run higher than event counts.",
        };
    }
}
