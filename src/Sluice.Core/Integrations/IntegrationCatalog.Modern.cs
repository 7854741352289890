namespace Sluice.Core.Integrations;

/// <summary>Providers Stitch does not list, with the defaults a data engineer would pick for their events.</summary>
public static partial class IntegrationCatalog
{
    private static Integration Modern(string name, string displayName, string summary, string color, IntegrationLayout layout, SignatureRule? signature, string[] steps) => new()
    {
        Name = name,
        DisplayName = displayName,
        Summary = summary,
        Color = color,
        Layout = layout,
        Signature = signature,
        Steps = steps,
        ReplicationNotes = layout.PrimaryKey is null
            ? "Append-only: every event adds a row; loads run continuously."
            : $"Incremental: rows are upserted by `{layout.PrimaryKey}`, so a redelivered event replaces its row.",
        SchemaNotes = "Nested objects are flattened with `__`, arrays become subtables; every column's original JSON path is in `_sluice_columns`.",
    };

    private static IntegrationLayout Keyed(string? tableFrom, string[] headers, string? key, string note) => new(tableFrom, headers, key, false, note);

    private static IEnumerable<Integration> ModernEntries()
    {
        yield return Modern("github", "GitHub", "Repository, pull request, issue, workflow and app events from GitHub.", "#24292f",
            Keyed("header:X-GitHub-Event", ["X-GitHub-Delivery", "X-GitHub-Event", "X-GitHub-Hook-ID"], "_sdc_header_x_github_delivery",
                "One table per `X-GitHub-Event` (`push`, `pull_request`, `issues`, `workflow_run`, ...), keyed by the delivery id `X-GitHub-Delivery`: a redelivery replaces its row."),
            new SignatureRule(SignatureKind.BodyHmac, "X-Hub-Signature-256", "Webhook secret") { Prefix = "sha256=", SecretHelp = "the Secret you type when adding the webhook in GitHub" },
            ["In GitHub, the repository's or organization's **Settings > Webhooks > Add webhook** (or your GitHub App's webhook settings).",
             "Payload URL `{webhook_url}`; Content type `application/json` (the default `application/x-www-form-urlencoded` works too).",
             "Type a long random Secret there and paste the same value into Sluice.",
             "Choose the events (or **Send me everything**) and save: GitHub sends a `ping`, which lands in the `ping` table."]) with
        { Body = BodyFormat.JsonOrPayloadField };
        yield return Modern("gitlab", "GitLab", "Push, merge request, pipeline and issue events from GitLab.", "#fc6d26",
            Keyed("header:X-Gitlab-Event", ["X-Gitlab-Event-UUID", "X-Gitlab-Event", "X-Gitlab-Webhook-UUID"], "_sdc_header_x_gitlab_event_uuid",
                "One table per `X-Gitlab-Event` (`Push Hook` becomes `push_hook`), keyed by `X-Gitlab-Event-UUID`."),
            new SignatureRule(SignatureKind.SharedToken, "X-Gitlab-Token", "Secret token") { SecretHelp = "the Secret token you type on the GitLab webhook" },
            ["In GitLab, the project's or group's **Settings > Webhooks > Add new webhook**.", "URL `{webhook_url}`; type a Secret token and paste the same value into Sluice.", "Pick the triggers and press **Test** to send a push event."]);
        yield return Modern("stripe", "Stripe", "Payments, invoices, subscriptions and customers from Stripe events.", "#635bff",
            Keyed("field:data.object.object", [], "id",
                "One table per object type of `data.object` (`charge`, `invoice`, `customer`, `checkout_session`, ...), keyed by the event `id` (`evt_...`): a retried event replaces its row."),
            new SignatureRule(SignatureKind.StripeLike, "Stripe-Signature", "Signing secret") { Tolerance = FiveMinutes, SecretHelp = "Stripe Dashboard > Developers > Webhooks > your endpoint > Signing secret (whsec_...)" },
            ["In the Stripe Dashboard, **Developers > Webhooks > Add endpoint**.", "Endpoint URL `{webhook_url}`; select the events to send.", "Reveal the endpoint's **Signing secret** (`whsec_...`) and paste it into Sluice. Stripe signs `t.body`; events older than 5 minutes are refused."]);
        yield return Modern("shopify", "Shopify", "Orders, products, customers and fulfilment events from a Shopify store.", "#5e8e3e",
            Keyed("header:X-Shopify-Topic", ["X-Shopify-Webhook-Id", "X-Shopify-Topic", "X-Shopify-Shop-Domain"], "_sdc_header_x_shopify_webhook_id",
                "One table per `X-Shopify-Topic` (`orders/create` becomes `orders_create`), keyed by `X-Shopify-Webhook-Id`."),
            new SignatureRule(SignatureKind.BodyHmac, "X-Shopify-Hmac-Sha256", "Webhook signing secret") { Encoding = SignatureEncoding.Base64, SecretHelp = "Shopify admin > Settings > Notifications > Webhooks (the key under the list), or your app's client secret" },
            ["In Shopify admin, **Settings > Notifications > Webhooks > Create webhook** (or subscribe from your app).", "Format JSON, URL `{webhook_url}`, the latest API version.", "Paste the signing secret shown under the webhooks list into Sluice.", "Press **Send test** next to the webhook."]);
        yield return Modern("slack", "Slack", "Events API callbacks (messages, reactions, channels) from a Slack app.", "#4a154b",
            Keyed("field:event.type", [], "event_id", "One table per `event.type` (`message`, `reaction_added`, `app_mention`, ...), keyed by `event_id`."),
            new SignatureRule(SignatureKind.TimestampedHmac, "X-Slack-Signature", "Signing secret") { Prefix = "v0=", TimestampHeader = "X-Slack-Request-Timestamp", MessageFormat = "v0:{timestamp}:{body}", Tolerance = FiveMinutes, SecretHelp = "api.slack.com/apps > your app > Basic Information > Signing Secret" },
            ["At api.slack.com/apps, your app's **Basic Information**: copy the **Signing Secret** and paste it into Sluice first.", "**Event Subscriptions > Enable Events**; Request URL `{webhook_url}`. Sluice answers Slack's `url_verification` challenge, so it shows Verified.", "Subscribe to bot or workspace events and reinstall the app."]) with
        { Handshake = Handshake.SlackUrlVerification };
        yield return Modern("twilio", "Twilio", "Message and call status callbacks from Twilio.", "#f22f46",
            Keyed(null, ["I-Twilio-Idempotency-Token"], null, "Every callback is a row of `data`: its form fields (`MessageSid`, `MessageStatus`, `To`, ...) are the columns."),
            new SignatureRule(SignatureKind.UrlAndForm, "X-Twilio-Signature", "Auth token") { Algorithm = SignatureAlgorithm.Sha1, Encoding = SignatureEncoding.Base64, SecretHelp = "Twilio Console > Account > API keys & tokens > Auth Token" },
            ["In the Twilio Console, set the phone number's or messaging service's **status callback URL** to `{webhook_url}` (method `HTTP POST`).", "Paste your account's Auth Token into Sluice: Twilio signs the URL and the form fields with it.", "Send a message; each status change (`queued`, `sent`, `delivered`) adds a row."]) with
        { Body = BodyFormat.JsonOrFormFields };
        yield return Modern("mailgun", "Mailgun", "Delivered, opened, clicked, failed and complained events from Mailgun.", "#f06b66",
            Keyed("field:event-data.event", [], null, "One table per `event-data.event` (`delivered`, `opened`, `failed`, ...); the signature object is kept with each row."),
            new SignatureRule(SignatureKind.Mailgun, "signature", "HTTP webhook signing key") { Tolerance = FiveMinutes, SecretHelp = "Mailgun > Sending > Webhooks > HTTP webhook signing key" },
            ["In Mailgun, **Sending > Webhooks > Add webhook** for the domain.", "Event type and URL `{webhook_url}`; repeat for each event type you want.", "Copy the **HTTP webhook signing key** and paste it into Sluice; press **Test webhook**."]) with
        { Body = BodyFormat.JsonOrFormFields };
        yield return Modern("postmark", "Postmark", "Delivery, bounce, open, click and spam complaint webhooks from Postmark.", "#ffde00",
            Keyed("field:RecordType", [], null, "One table per `RecordType` (`Delivery`, `Bounce`, `Open`, `Click`, `SpamComplaint`, `SubscriptionChange`)."),
            new SignatureRule(SignatureKind.BasicAuth, "Authorization", "User and password") { SecretHelp = "the Basic auth user:password set on the Postmark webhook" },
            ["In Postmark, the server's **Message Streams > your stream > Webhooks > Add webhook**.", "Webhook URL `{webhook_url}`; under **Basic auth credentials** set a user and password and paste `user:password` into Sluice.", "Choose the events and press **Send test**."]);
        yield return Modern("intercom", "Intercom", "Conversation, contact and ticket notifications from Intercom.", "#1f8ded",
            Keyed("field:topic", [], "id", "One table per `topic` (`conversation.user.created` becomes `conversation_user_created`), keyed by the notification `id`."),
            new SignatureRule(SignatureKind.BodyHmac, "X-Hub-Signature", "Client secret") { Algorithm = SignatureAlgorithm.Sha1, Prefix = "sha1=", SecretHelp = "Intercom Developer Hub > your app > Basic information > Client secret" },
            ["In the Intercom Developer Hub, your app's **Webhooks**: endpoint URL `{webhook_url}`.", "Select the topics and save; paste the app's Client secret into Sluice.", "Press **Send test request**: a `ping` notification."]);
        yield return Modern("hubspot", "HubSpot", "CRM object changes (contacts, companies, deals) from a HubSpot app.", "#ff7a59",
            Keyed("field:subscriptionType", [], "eventId", "HubSpot posts arrays of changes: one table per `subscriptionType` (`contact.creation` becomes `contact_creation`), keyed by `eventId`."),
            new SignatureRule(SignatureKind.HubSpotV3, "X-HubSpot-Signature-v3", "Client secret") { TimestampHeader = "X-HubSpot-Request-Timestamp", Tolerance = FiveMinutes, SecretHelp = "HubSpot developer account > your app > Auth > Client secret" },
            ["In your HubSpot app, **Webhooks > Target URL** `{webhook_url}`.", "Create subscriptions (e.g. `contact.creation`, `deal.propertyChange`) and activate them.", "Paste the app's Client secret into Sluice: HubSpot v3 signs the method, URL, body and timestamp."]);
        yield return Modern("typeform", "Typeform", "Form responses from Typeform.", "#262627",
            Keyed(null, [], "event_id", "Each response is a row of `data` keyed by `event_id`; answers are in the `data__form_response__answers` subtable."),
            new SignatureRule(SignatureKind.BodyHmac, "Typeform-Signature", "Secret") { Prefix = "sha256=", Encoding = SignatureEncoding.Base64, SecretHelp = "the Secret set on the form's webhook in Typeform" },
            ["In Typeform, the form's **Connect > Webhooks > Add a webhook**: `{webhook_url}`.", "Edit the webhook, set a Secret and paste it into Sluice.", "Turn the webhook on and press **Send test request**."]);
        yield return Modern("calendly", "Calendly", "Invitee created and canceled events from Calendly.", "#006bff",
            Keyed("field:event", [], null, "One table per `event` (`invitee.created` becomes `invitee_created`)."),
            new SignatureRule(SignatureKind.StripeLike, "Calendly-Webhook-Signature", "Signing key") { Tolerance = FiveMinutes, SecretHelp = "the signing_key you set when creating the webhook subscription through Calendly's API" },
            ["Create a webhook subscription with Calendly's API (`POST /webhook_subscriptions`) with `url` `{webhook_url}`, the events, and a `signing_key`.", "Paste the same signing key into Sluice.", "Book a test meeting: an `invitee.created` row appears."]);
        yield return Modern("linear", "Linear", "Issue, comment, project and cycle changes from Linear.", "#5e6ad2",
            Keyed("field:type", ["Linear-Delivery", "Linear-Event"], "_sdc_header_linear_delivery", "One table per data `type` (`Issue`, `Comment`, `Project`, ...), keyed by `Linear-Delivery`."),
            new SignatureRule(SignatureKind.BodyHmac, "Linear-Signature", "Signing secret") { SecretHelp = "Linear > Settings > API > Webhooks > your webhook > Signing secret" },
            ["In Linear, **Settings > API > Webhooks > New webhook**: URL `{webhook_url}`.", "Choose the data change events and create it.", "Copy the webhook's signing secret and paste it into Sluice."]);
        yield return Modern("pagerduty", "PagerDuty", "Incident lifecycle events from PagerDuty v3 webhooks.", "#06ac38",
            Keyed("field:event.resource_type", [], null, "One table per `event.resource_type` (`incident`, `service`, ...); `event.event_type` says what happened."),
            new SignatureRule(SignatureKind.BodyHmac, "X-PagerDuty-Signature", "Secret") { Prefix = "v1=", SecretHelp = "shown once when you create the webhook subscription in PagerDuty" },
            ["In PagerDuty, **Integrations > Generic Webhooks (v3) > New Webhook**: URL `{webhook_url}`.", "Choose the scope and event types and add it.", "Copy the secret PagerDuty shows once and paste it into Sluice."]);
        yield return Modern("sentry", "Sentry", "Issue, error and alert webhooks from a Sentry integration.", "#362d59",
            Keyed("header:Sentry-Hook-Resource", ["Request-ID", "Sentry-Hook-Resource"], "_sdc_header_request_id", "One table per `Sentry-Hook-Resource` (`issue`, `error`, `event_alert`, `metric_alert`, `installation`), keyed by `Request-ID`."),
            new SignatureRule(SignatureKind.BodyHmac, "Sentry-Hook-Signature", "Client secret") { SecretHelp = "Sentry > Settings > Developer Settings > your integration > Client Secret" },
            ["In Sentry, **Settings > Developer Settings > New Internal Integration**: Webhook URL `{webhook_url}`.", "Enable Alert Rule Action and the webhooks (issue, error, ...).", "Save and paste the integration's Client Secret into Sluice."]);
        yield return Modern("zendesk", "Zendesk", "Ticket, user and organization events from Zendesk webhooks.", "#03363d",
            Keyed("field:type", [], "id", "One table per event `type` (`zen:event-type:ticket.created` becomes `zen_event_type_ticket_created`), keyed by the event `id`."),
            new SignatureRule(SignatureKind.TimestampedHmac, "X-Zendesk-Webhook-Signature", "Signing secret") { Encoding = SignatureEncoding.Base64, TimestampHeader = "X-Zendesk-Webhook-Signature-Timestamp", MessageFormat = "{timestamp}{body}", Tolerance = FiveMinutes, SecretHelp = "Zendesk Admin Center > Apps and integrations > Webhooks > your webhook > Reveal secret" },
            ["In Zendesk Admin Center, **Apps and integrations > Webhooks > Create webhook**; subscribe to Zendesk events.", "Endpoint URL `{webhook_url}`, method POST, format JSON.", "Reveal the signing secret and paste it into Sluice."]);
        yield return Modern("standard-webhooks", "Standard Webhooks", "Any sender of the Standard Webhooks scheme (Svix, OpenAI, Resend, ...).", "#3b82f6",
            Keyed("field:type", ["webhook-id"], "_sdc_header_webhook_id", "One table per `type`, keyed by the `webhook-id` header: a retried message replaces its row."),
            new SignatureRule(SignatureKind.StandardWebhooks, "webhook-signature", "Signing secret") { Encoding = SignatureEncoding.Base64, Tolerance = FiveMinutes, SecretHelp = "the endpoint's signing secret, `whsec_` followed by base64" },
            ["In the sender, add an endpoint with URL `{webhook_url}`.", "Copy its signing secret (`whsec_...`) and paste it into Sluice.", "Send a test message."]);
        yield return Modern("zoom", "Zoom", "Meeting, webinar and recording events from a Zoom app.", "#0b5cff",
            Keyed("field:event", [], null, "One table per `event` (`meeting.started` becomes `meeting_started`)."),
            new SignatureRule(SignatureKind.TimestampedHmac, "x-zm-signature", "Secret token") { Prefix = "v0=", TimestampHeader = "x-zm-request-timestamp", MessageFormat = "v0:{timestamp}:{body}", Tolerance = FiveMinutes, SecretHelp = "Zoom App Marketplace > your app > Features > Access > Secret Token" },
            ["In the Zoom App Marketplace, your app's **Features > Access**: copy the **Secret Token** and paste it into Sluice first.", "**Event Subscriptions > Add**: event notification endpoint URL `{webhook_url}`; press **Validate** (Sluice answers `endpoint.url_validation`).", "Add the events and save."]) with
        { Handshake = Handshake.ZoomUrlValidation };
        yield return Modern("dropbox", "Dropbox", "File change notifications for the users of a Dropbox app.", "#0061ff",
            Keyed(null, [], null, "Each notification (`list_folder.accounts`, `delta.users`) is a row of `data`; the account ids are a subtable."),
            new SignatureRule(SignatureKind.BodyHmac, "X-Dropbox-Signature", "App secret") { SecretHelp = "Dropbox App Console > your app > Settings > App secret" },
            ["In the Dropbox App Console, your app's **Webhooks**: add `{webhook_url}`. Dropbox first sends `GET ?challenge=...`, which Sluice answers.", "Paste the app secret into Sluice: Dropbox signs each notification with it.", "Change a file of a linked account: a notification row appears."]) with
        { Handshake = Handshake.GetChallenge };
    }
}
