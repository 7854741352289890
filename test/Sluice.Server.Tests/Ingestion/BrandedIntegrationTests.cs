using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sluice.Server.Tests.Api;
using Sluice.Testing;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Ingestion;

/// <summary>
/// Issue 17 through a running server: each provider's requests signed exactly as its documentation describes (the
/// signatures are computed here from the documented recipe, not with Sluice's code), a wrong and a stale one, the
/// handshakes, the form bodies, and the layouts.
/// </summary>
public sealed class BrandedIntegrationTests
{
    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["Loading:Interval"] = "00:00:00.200",
        ["Loading:PollInterval"] = "00:00:00.050",
    };

    private static string Unix(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] HmacSha256(string key, string message) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(message));

    private static async Task<(long Id, string Name, string Url)> CreateAsync(SluiceServer server, string type, string displayName, string properties = "{}")
    {
        var call = await ApiCall.PostAsync(server.Api, "v4/sources", $$$"""{"display_name":"{{{displayName}}}","type":"{{{type}}}","properties":{{{properties}}}}""");
        call.AssertOk();
        return (call.Json.GetProperty("id").GetInt64(), call.Json.GetProperty("name").GetString()!, call.Json.GetProperty("webhook_url").GetString()!);
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(
        SluiceServer server, string url, string body, string contentType, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await server.Anonymous.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Form(params (string Name, string Value)[] fields) =>
        string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value)));

    [Fact]
    public async Task SourceTypes_ListEveryCatalogEntry_WithStitchsProtocolsAndWriteOnlySecrets()
    {
        await using var server = await SluiceServer.StartAsync();

        var call = await ApiCall.GetAsync(server.Api, "v4/source-types");

        call.AssertOk();
        var types = call.Json.EnumerateArray().ToDictionary(t => t.GetProperty("type").GetString()!, t => t);
        Assert.True(types.Count >= 30, $"{types.Count} types");
        foreach (var stitch in new[] { "aftership", "branch", "contentful", "customerio", "drip", "formkeep", "iterable", "mailjet", "particleio", "sendgrid", "sendwithus", "sparkpost", "vero", "zapier", "segment", "incoming-webhook", "mandrill" })
        {
            Assert.True(types.ContainsKey("webhook." + stitch), stitch);
        }

        foreach (var modern in new[] { "github", "gitlab", "stripe", "shopify", "slack", "twilio", "mailgun", "postmark", "intercom", "hubspot", "typeform", "calendly", "linear", "pagerduty", "sentry", "zendesk", "standard-webhooks" })
        {
            Assert.True(types.ContainsKey("webhook." + modern), modern);
        }

        string Protocol(string type) => types[type].GetProperty("details").GetProperty("protocol").GetString()!;
        Assert.Equal("sendgrid", Protocol("webhook.sendgrid"));
        Assert.Equal("segment_webhooks", Protocol("webhook.segment"));
        Assert.Equal("incoming-webhook", Protocol("webhook.github"));

        JsonElement Property(string type, string name) =>
            types[type].GetProperty("steps")[0].GetProperty("properties").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);
        var customerIoKey = Property("webhook.customerio", "webhookz_primary_key");
        Assert.True(customerIoKey.GetProperty("read_only").GetBoolean());
        Assert.True(customerIoKey.GetProperty("is_required").GetBoolean());
        Assert.Equal("system_provided", customerIoKey.GetProperty("property_type").GetString());
        Assert.False(Property("webhook.incoming-webhook", "webhookz_primary_key").GetProperty("read_only").GetBoolean());
        Assert.True(Property("webhook.github", "signing_secret").GetProperty("is_credential").GetBoolean());
        Assert.DoesNotContain(types["webhook.zapier"].GetProperty("steps")[0].GetProperty("properties").EnumerateArray(), p => p.GetProperty("name").GetString() == "signing_secret");
    }

    [Fact]
    public async Task GitHub_SignedAsDocumented_Loads_WrongOrMissingSignature_401NamingTheHeader_FormPayloadAccepted()
    {
        await using var server = await SluiceServer.StartAsync(settings: Fast);
        const string secret = "It's a Secret to Everybody";
        var source = await CreateAsync(server, "webhook.github", "GitHub Org", $$"""{"signing_secret":"{{secret}}"}""");

        // GitHub's documented test vector: "Hello, World!" with this secret gives 757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17.
        Assert.Equal("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", Hex(HmacSha256(secret, "Hello, World!")));
        var push = """{"ref":"refs/heads/main","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","after":"0000000000000000000000000000000000000000","repository":{"id":1296269,"full_name":"octocat/Hello-World","owner":{"login":"octocat","id":1}},"pusher":{"name":"octocat","email":"octocat@github.com"},"commits":[{"id":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","message":"Fix all the bugs","author":{"name":"Monalisa Octocat","email":"mona@github.com"}}]}""";
        (string, string)[] Headers(string body, string delivery, string? signature = null) =>
        [
            ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", delivery), ("X-GitHub-Hook-ID", "292430182"),
            ("X-Hub-Signature-256", signature ?? "sha256=" + Hex(HmacSha256(secret, body))), ("User-Agent", "GitHub-Hookshot/044aadd"),
        ];

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, source.Url, push, "application/json", Headers(push, "72d3162e-cc78-11e3-81ab-4c9367dc0958"))).Status);
        var wrong = await PostAsync(server, source.Url, push, "application/json", Headers(push, "72d3162e-cc78-11e3-81ab-4c9367dc0959", "sha256=" + Hex(HmacSha256("not the secret", push))));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Contains("X-Hub-Signature-256", wrong.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Hex(HmacSha256(secret, push)), wrong.Body, StringComparison.Ordinal);
        using (var unsigned = new HttpRequestMessage(HttpMethod.Post, source.Url) { Content = new StringContent(push, Encoding.UTF8, "application/json") })
        {
            unsigned.Headers.Add("X-GitHub-Event", "push");
            using var response = await server.Anonymous.SendAsync(unsigned);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("X-Hub-Signature-256 is missing", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // GitHub's default content type: the JSON in a payload form field, signed over the form body as sent.
        var form = Form(("payload", push.Replace("Fix all the bugs", "Fix more bugs", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, source.Url, form, "application/x-www-form-urlencoded", Headers(form, "72d3162e-cc78-11e3-81ab-4c9367dc0960"))).Status);

        var rows = await WaitForRowsAsync(server.Api, $"SELECT _sdc_header_x_github_delivery, commits_count FROM (SELECT _sdc_header_x_github_delivery, (SELECT count(*) FROM {source.Name}.push__commits c WHERE c._sdc_source_key__sdc_header_x_github_delivery = p._sdc_header_x_github_delivery) AS commits_count FROM {source.Name}.push p) ORDER BY 1", 2);
        AssertRows(["72d3162e-cc78-11e3-81ab-4c9367dc0958|1", "72d3162e-cc78-11e3-81ab-4c9367dc0960|1"], rows);
        var shown = await ApiCall.GetAsync(server.Api, $"v4/sources/{source.Id}");
        Assert.True(shown.Json.GetProperty("signing_secret_set").GetBoolean());
        Assert.Equal(2, shown.Json.GetProperty("signature_refusals").GetInt64());
        Assert.DoesNotContain(secret, shown.Text, StringComparison.Ordinal);
        Assert.False(shown.Json.GetProperty("properties").TryGetProperty("signing_secret", out _));
        Assert.Equal("header:X-GitHub-Event", shown.Json.GetProperty("properties").GetProperty("table_from").GetString());
    }

    [Fact]
    public async Task Stripe_TimestampedSignature_StaleRefused_RotationKeepsTheOldSecretForADay()
    {
        await using var server = await SluiceServer.StartAsync(settings: Fast);
        var source = await CreateAsync(server, "webhook.stripe", "Stripe Live", """{"signing_secret":"whsec_old_5a3b1c"}""");
        string Event(string id) => """{"id":"ID","object":"event","api_version":"2024-06-20","created":1733000000,"type":"charge.succeeded","livemode":false,"data":{"object":{"id":"ch_3Q","object":"charge","amount":2000,"currency":"usd","metadata":{"order_id":"6735"}}}}""".Replace("ID", id, StringComparison.Ordinal);
        (string, string) Signed(string body, string secret, DateTimeOffset at) => ("Stripe-Signature", $"t={Unix(at)},v1={Hex(HmacSha256(secret, Unix(at) + "." + body))},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39");

        var now = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, source.Url, Event("evt_1"), "application/json", Signed(Event("evt_1"), "whsec_old_5a3b1c", now))).Status);
        var stale = await PostAsync(server, source.Url, Event("evt_2"), "application/json", Signed(Event("evt_2"), "whsec_old_5a3b1c", now.AddMinutes(-6)));
        Assert.Equal(HttpStatusCode.Unauthorized, stale.Status);
        Assert.Contains("s old; at most 300 s are allowed", stale.Body, StringComparison.Ordinal);

        // The update forgets the source's cached token before it answers: the next request checks the new secret (and the old).
        (await ApiCall.PutAsync(server.Api, $"v4/sources/{source.Id}", """{"properties":{"signing_secret":"whsec_new_9d8e7f"}}""")).AssertOk();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, source.Url, Event("evt_3"), "application/json", Signed(Event("evt_3"), "whsec_old_5a3b1c", DateTimeOffset.UtcNow))).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, source.Url, Event("evt_4"), "application/json", Signed(Event("evt_4"), "whsec_new_9d8e7f", DateTimeOffset.UtcNow))).Status);

        var rows = await WaitForRowsAsync(server.Api, $"SELECT id FROM {source.Name}.charge ORDER BY id", 3);
        AssertRows(["evt_1", "evt_3", "evt_4"], rows);
        var shown = await ApiCall.GetAsync(server.Api, $"v4/sources/{source.Id}");
        Assert.Equal(1, shown.Json.GetProperty("signature_refusals").GetInt64());
        Assert.Contains("Stripe-Signature", shown.Json.GetProperty("last_signature_refusal").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, shown.Json.GetProperty("previous_signing_secret_until").ValueKind);
    }

    [Fact]
    public async Task Handshakes_SlackChallenge_ZoomValidation_DropboxGet_AreAnsweredAndNotStored()
    {
        await using var server = await SluiceServer.StartAsync(settings: Fast);
        const string slackSecret = "8f742231b10e8888abcd99yyyzzz85a5";
        var slack = await CreateAsync(server, "webhook.slack", "Slack Workspace", $$"""{"signing_secret":"{{slackSecret}}"}""");
        var verification = """{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""";
        var ts = Unix(DateTimeOffset.UtcNow);
        var answer = await PostAsync(server, slack.Url, verification, "application/json",
            ("X-Slack-Request-Timestamp", ts), ("X-Slack-Signature", "v0=" + Hex(HmacSha256(slackSecret, $"v0:{ts}:{verification}"))));
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", JsonDocument.Parse(answer.Body).RootElement.GetProperty("challenge").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(server, slack.Url, verification, "application/json")).Status);

        const string zoomSecret = "zoom-secret-token-1";
        var zoom = await CreateAsync(server, "webhook.zoom", "Zoom App", $$"""{"signing_secret":"{{zoomSecret}}"}""");
        var validation = """{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}""";
        var zts = Unix(DateTimeOffset.UtcNow);
        var zoomAnswer = await PostAsync(server, zoom.Url, validation, "application/json",
            ("x-zm-request-timestamp", zts), ("x-zm-signature", "v0=" + Hex(HmacSha256(zoomSecret, $"v0:{zts}:{validation}"))));
        Assert.Equal(HttpStatusCode.OK, zoomAnswer.Status);
        var zoomJson = JsonDocument.Parse(zoomAnswer.Body).RootElement;
        Assert.Equal("qgg8vlvZRS6UYooatFL8Aw", zoomJson.GetProperty("plainToken").GetString());
        Assert.Equal(Hex(HmacSha256(zoomSecret, "qgg8vlvZRS6UYooatFL8Aw")), zoomJson.GetProperty("encryptedToken").GetString());

        var dropbox = await CreateAsync(server, "webhook.dropbox", "Dropbox App");
        using (var get = await server.Anonymous.GetAsync(new Uri(dropbox.Url + "?challenge=abc123XYZ")))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("abc123XYZ", await get.Content.ReadAsStringAsync());
            Assert.Equal("nosniff", get.Headers.GetValues("X-Content-Type-Options").Single());
        }

        using (var generic = await server.Anonymous.GetAsync(new Uri(slack.Url + "?challenge=abc")))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, generic.StatusCode);
        }

        // A real event after the handshakes loads; the handshakes themselves left no rows.
        var message = """{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","team_id":"T123ABC456","api_app_id":"A123ABC456","event":{"type":"reaction_added","user":"U123ABC456","reaction":"thumbsup","item":{"type":"message","channel":"C123ABC456","ts":"1464196127.000002"},"event_ts":"1465244570.336841"},"type":"event_callback","event_id":"Ev123ABC456","event_time":1234567890}""";
        var mts = Unix(DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, slack.Url, message, "application/json",
            ("X-Slack-Request-Timestamp", mts), ("X-Slack-Signature", "v0=" + Hex(HmacSha256(slackSecret, $"v0:{mts}:{message}"))))).Status);
        AssertRows(["Ev123ABC456|thumbsup"], await WaitForRowsAsync(server.Api, $"SELECT event_id, event__reaction FROM {slack.Name}.reaction_added", 1));
        AssertRows(["reaction_added"], Rows(await QueryAsync(server.Api, $"SELECT DISTINCT root_table FROM {slack.Name}._sluice_columns")));
        await Eventually.AssertAsync(async () => (await ApiCall.GetAsync(server.Api, $"v4/sources/{slack.Id}/stats")).Json.GetProperty("archive_records").GetInt64() == 1, "the event (and only it) archived");
    }

    [Fact]
    public async Task FormBodies_TwilioFieldsAndMandrillEvents_SignedOverUrlAndSortedFields_LoadAsRecords()
    {
        await using var server = await SluiceServer.StartAsync(settings: Fast);
        const string authToken = "12345abcdef67890twilio";
        var twilio = await CreateAsync(server, "webhook.twilio", "Twilio SMS", $$"""{"signing_secret":"{{authToken}}"}""");
        (string, string)[] fields =
        [
            ("AccountSid", "AC0123456789abcdef0123456789abcdef"), ("MessageSid", "SM1f0e8ae6ade43cb3c0ce4525424e404f"), ("MessageStatus", "delivered"),
            ("To", "+15558675310"), ("From", "+15017122661"), ("ApiVersion", "2010-04-01"), ("SmsSid", "SM1f0e8ae6ade43cb3c0ce4525424e404f"), ("SmsStatus", "delivered"),
        ];
        // Twilio's recipe: the full URL, then each POST field's name and value, sorted by name; HMAC-SHA1 with the auth token, base64.
        var signedText = twilio.Url + string.Concat(fields.OrderBy(f => f.Item1, StringComparer.Ordinal).Select(f => f.Item1 + f.Item2));
        var signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(signedText)));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, twilio.Url, Form(fields), "application/x-www-form-urlencoded", ("X-Twilio-Signature", signature))).Status);
        var tampered = Form([.. fields.Select(f => f.Item1 == "MessageStatus" ? (f.Item1, "failed") : f)]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(server, twilio.Url, tampered, "application/x-www-form-urlencoded", ("X-Twilio-Signature", signature))).Status);
        AssertRows(["SM1f0e8ae6ade43cb3c0ce4525424e404f|delivered|+15558675310"],
            await WaitForRowsAsync(server.Api, $"SELECT messagesid, messagestatus, \"to\" FROM {twilio.Name}.data", 1));

        const string mandrillKey = "mandrill-webhook-key-Xy7";
        var mandrill = await CreateAsync(server, "webhook.mandrill", "Mandrill", $$"""{"signing_secret":"{{mandrillKey}}"}""");
        var events = """[{"event":"send","msg":{"ts":1365109999,"subject":"This an example webhook message","email":"example.webhook@mandrillapp.com","sender":"example.sender@mandrillapp.com","tags":["webhook-example"],"opens":[],"clicks":[],"state":"sent","_id":"exampleaaaaaaaaaaaaaaaaaaaaaaaaa"},"_id":"exampleaaaaaaaaaaaaaaaaaaaaaaaaa","ts":1384954004},{"event":"open","msg":{"ts":1365109999,"subject":"This an example webhook message","email":"example.webhook@mandrillapp.com","opens":[{"ts":1365111111}],"clicks":[],"state":"sent","_id":"exampleaaaaaaaaaaaaaaaaaaaaaaaaa1"},"_id":"exampleaaaaaaaaaaaaaaaaaaaaaaaaa1","ip":"127.0.0.1","ts":1384954005}]""";
        var mandrillSignature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(mandrillKey), Encoding.UTF8.GetBytes(mandrill.Url + "mandrill_events" + events)));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, mandrill.Url, Form(("mandrill_events", events)), "application/x-www-form-urlencoded", ("X-Mandrill-Signature", mandrillSignature))).Status);
        AssertRows(["open|exampleaaaaaaaaaaaaaaaaaaaaaaaaa1", "send|exampleaaaaaaaaaaaaaaaaaaaaaaaaa"],
            await WaitForRowsAsync(server.Api, $"SELECT event, _id FROM {mandrill.Name}.data ORDER BY event", 2));

        // The generic integration still refuses form bodies.
        var generic = await CreateAsync(server, "webhook.incoming-webhook", "Generic");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PostAsync(server, generic.Url, Form(("a", "1")), "application/x-www-form-urlencoded")).Status);
    }

    [Fact]
    public async Task SendGrid_EcdsaSignedBatch_LoadsIntoEvents_WithCategorySubtable_DroppedWithoutEmailNotKept()
    {
        await using var server = await SluiceServer.StartAsync(settings: Fast);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicKey = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
        var source = await CreateAsync(server, "webhook.sendgrid", "SendGrid", $$"""{"signing_secret":"{{publicKey}}"}""");
        var batch = """[{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"processed","category":["cat facts","newsletter"],"sg_event_id":"sg_event_id","sg_message_id":"sg_message_id"},{"email":"example@test.com","timestamp":1513299570,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"delivered","category":"cat facts","sg_event_id":"sg_event_id2","sg_message_id":"sg_message_id","response":"250 OK"},{"email":null,"timestamp":1513299571,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"dropped","category":["cat facts"],"sg_event_id":"sg_event_id3","reason":"Bounced Address","status":"5.0.0"},{"email":"other@test.com","timestamp":1513299572,"event":"dropped","category":"newsletter","sg_event_id":"sg_event_id4","reason":"Unsubscribed Address","status":"5.0.0"}]""";
        var timestamp = Unix(DateTimeOffset.UtcNow);
        // SendGrid's recipe: ECDSA (P-256, SHA-256) over the timestamp header followed by the raw body; DER signature, base64.
        var signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(timestamp + batch), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        (string, string)[] headers = [("X-Twilio-Email-Event-Webhook-Signature", signature), ("X-Twilio-Email-Event-Webhook-Timestamp", timestamp)];

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, source.Url, batch, "application/json", headers)).Status);
        var other = Convert.ToBase64String(ECDsa.Create(ECCurve.NamedCurves.nistP256).SignData(Encoding.UTF8.GetBytes(timestamp + batch), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var refused = await PostAsync(server, source.Url, batch, "application/json", ("X-Twilio-Email-Event-Webhook-Signature", other), ("X-Twilio-Email-Event-Webhook-Timestamp", timestamp));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("X-Twilio-Email-Event-Webhook-Signature", refused.Body, StringComparison.Ordinal);

        AssertRows(["delivered|example@test.com", "dropped|other@test.com", "processed|example@test.com"],
            await WaitForRowsAsync(server.Api, $"SELECT event, email FROM {source.Name}.events ORDER BY event", 3));
        AssertRows(["processed|example@test.com|1513299569|0|cat facts", "processed|example@test.com|1513299569|1|newsletter"],
            Rows(await QueryAsync(server.Api, $"SELECT _sdc_source_key_event, _sdc_source_key_email, _sdc_source_key_timestamp, _sdc_level_0_id, value FROM {source.Name}.events__category WHERE _sdc_source_key_event = 'processed' ORDER BY _sdc_level_0_id")));

        // SendGrid sends a batch again after a timeout: the key (event, email, timestamp) keeps one row per event.
        var again = Unix(DateTimeOffset.UtcNow);
        var resent = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(again + batch), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, source.Url, batch, "application/json", ("X-Twilio-Email-Event-Webhook-Signature", resent), ("X-Twilio-Email-Event-Webhook-Timestamp", again))).Status);
        await Eventually.AssertAsync(async () => (await ApiCall.GetAsync(server.Api, $"v4/sources/{source.Id}/stats")).Json.GetProperty("rows_to_be_loaded").GetInt64() == 0, "the resent batch is loaded");

        // Records leave the buffer only after their load committed: the resent batch's upserts are in.
        Assert.Equal("3", Rows(await QueryAsync(server.Api, $"SELECT count(*) FROM {source.Name}.events"))[0][0]);
        Assert.Equal("2", Rows(await QueryAsync(server.Api, $"SELECT count(*) FROM {source.Name}.events__category"))[0][0]); // processed's two categories, once
        Assert.Equal("0", Rows(await QueryAsync(server.Api, $"SELECT count(*) FROM {source.Name}._sdc_rejected"))[0][0]);
        var tables = Rows(await QueryAsync(server.Api, $"SELECT DISTINCT root_table FROM {source.Name}._sluice_columns"));
        AssertRows(["events"], tables);
    }

    [Fact]
    public async Task CustomerIo_KeyIsSystemProvided_AnotherKeyAnswers400_SecretOfAProviderThatDoesNotSign400()
    {
        await using var server = await SluiceServer.StartAsync();

        (await ApiCall.PostAsync(server.Api, "v4/sources", """{"display_name":"CIO","type":"webhook.customerio","properties":{"webhookz_primary_key":"id"}}"""))
            .AssertError(HttpStatusCode.BadRequest, "bad_request", "system-provided and read-only ('event_id')");
        var created = await ApiCall.PostAsync(server.Api, "v4/sources", """{"display_name":"CIO","type":"webhook.customerio"}""");
        created.AssertOk();
        Assert.Equal("event_id", created.Json.GetProperty("properties").GetProperty("webhookz_primary_key").GetString());
        (await ApiCall.PostAsync(server.Api, "v4/sources", """{"display_name":"Zap","type":"webhook.zapier","properties":{"signing_secret":"abc"}}"""))
            .AssertError(HttpStatusCode.BadRequest, "bad_request", "does not sign its requests");
        (await ApiCall.PostAsync(server.Api, "v4/sources", """{"display_name":"SG","type":"webhook.sendgrid","properties":{"signing_secret":"not a key"}}"""))
            .AssertError(HttpStatusCode.BadRequest, "bad_request", "verification key");
        (await ApiCall.PostAsync(server.Api, "v4/sources", """{"display_name":"X","type":"webhook.nosuch"}"""))
            .AssertError(HttpStatusCode.BadRequest, "bad_request", "GET /v4/source-types");
    }

    [Fact]
    public async Task StandardWebhooks_SignedAsTheSpecSays_Loads_KeyedByWebhookId()
    {
        await using var server = await SluiceServer.StartAsync(settings: Fast);
        var secretBytes = RandomNumberGenerator.GetBytes(24);
        var secret = "whsec_" + Convert.ToBase64String(secretBytes);
        var source = await CreateAsync(server, "webhook.standard-webhooks", "Resend", $$"""{"signing_secret":"{{secret}}"}""");
        var body = """{"type":"email.delivered","timestamp":"2026-12-06T10:00:00.000Z","data":{"email_id":"4ef9a417-02e9-4d39-ad75-9611e0fcc33c","to":["delivered@resend.dev"],"subject":"Sending this example"}}""";
        var id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
        var ts = Unix(DateTimeOffset.UtcNow);
        var signature = "v1," + Convert.ToBase64String(HMACSHA256.HashData(secretBytes, Encoding.UTF8.GetBytes($"{id}.{ts}.{body}")));
        (string, string)[] headers = [("webhook-id", id), ("webhook-timestamp", ts), ("webhook-signature", "v1,bm90IGl0 " + signature)];

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, source.Url, body, "application/json", headers)).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, source.Url, body, "application/json", headers)).Status); // a retry
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(server, source.Url, body.Replace("Sending", "Faking", StringComparison.Ordinal), "application/json", headers)).Status);

        await Eventually.AssertAsync(async () => (await ApiCall.GetAsync(server.Api, $"v4/sources/{source.Id}/stats")).Json.GetProperty("rows_to_be_loaded").GetInt64() == 0, "loaded");
        AssertRows([$"{id}|4ef9a417-02e9-4d39-ad75-9611e0fcc33c"],
            await WaitForRowsAsync(server.Api, $"SELECT _sdc_header_webhook_id, data__email_id FROM {source.Name}.email_delivered", 1));
    }

    [Fact]
    public async Task Shopify_HmacBase64OfTheBody_TablePerTopic_KeyedByWebhookId_ARetryReplacesItsRow()
    {
        await using var server = await SluiceServer.StartAsync(settings: Fast);
        const string secret = "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";
        var source = await CreateAsync(server, "webhook.shopify", "Shop", $$"""{"signing_secret":"{{secret}}"}""");
        var order = """{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","email":"jon@example.com","created_at":"2026-12-06T10:00:00-05:00","total_price":"398.00","currency":"USD","line_items":[{"id":866550311766439020,"title":"IPod Nano - 8GB","quantity":1,"price":"199.00","properties":[{"name":"engraving","value":"hi"}]},{"id":141249953214522974,"title":"IPod Nano - 8GB","quantity":1,"price":"199.00","properties":[]}],"customer":{"id":115310627314723954,"email":"john@example.com","default_address":{"city":"Ottawa","country_code":"CA"}}}""";
        (string, string)[] Headers(string topic, string webhookId, string body, string key) =>
        [
            ("X-Shopify-Topic", topic), ("X-Shopify-Webhook-Id", webhookId), ("X-Shopify-Shop-Domain", "example.myshopify.com"),
            ("X-Shopify-API-Version", "2024-10"), ("X-Shopify-Hmac-Sha256", Convert.ToBase64String(HmacSha256(key, body))),
        ];

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, source.Url, order, "application/json", Headers("orders/create", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", order, secret))).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, source.Url, order, "application/json", Headers("orders/create", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", order, secret))).Status); // Shopify retries
        var paid = order.Replace("398.00", "399.00", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(server, source.Url, paid, "application/json", Headers("orders/paid", "0f8d3e4a-1c2b-4d5e-8f9a-0b1c2d3e4f5a", paid, secret))).Status);
        var forged = await PostAsync(server, source.Url, paid, "application/json", Headers("orders/paid", "1f8d3e4a-1c2b-4d5e-8f9a-0b1c2d3e4f5a", order, secret));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);
        Assert.Contains("X-Shopify-Hmac-Sha256", forged.Body, StringComparison.Ordinal);

        AssertRows(["b54557e4-bdd9-4b37-8a5f-bf7d70bcd043|398.00|2"],
            await WaitForRowsAsync(server.Api, $"SELECT o._sdc_header_x_shopify_webhook_id, o.total_price, (SELECT count(*) FROM {source.Name}.orders_create__line_items l) FROM {source.Name}.orders_create o", 1));
        AssertRows(["0f8d3e4a-1c2b-4d5e-8f9a-0b1c2d3e4f5a|399.00|orders/paid"],
            await WaitForRowsAsync(server.Api, $"SELECT _sdc_header_x_shopify_webhook_id, total_price, _sdc_header_x_shopify_topic FROM {source.Name}.orders_paid", 1));
    }
}
