using System.Text.Json.Nodes;

namespace Sluice.Testing.Providers;

/// <summary>
/// SendGrid Event Webhook batches modelled on Twilio SendGrid's "Event Webhook Reference": each request is a JSON array of
/// events (processed, deferred, delivered, open, click, bounce, dropped, spamreport, unsubscribe, group_unsubscribe,
/// group_resubscribe) with <c>smtp-id</c>, <c>sg_event_id</c>, <c>category</c> as a string or an array, unique arguments as
/// extra top-level keys, and the signed-webhook headers.
/// </summary>
public static class SendGridPayloads
{
    public static readonly string[] Events =
        ["processed", "deferred", "delivered", "open", "click", "bounce", "dropped", "spamreport", "unsubscribe", "group_unsubscribe", "group_resubscribe"];

    public static IReadOnlyList<ProviderRequest> Batches(int batches, int eventsPerBatch, int seed = 1)
    {
        var random = new Random(seed);
        var requests = new List<ProviderRequest>();
        for (var b = 0; b < batches; b++)
        {
            var array = new JsonArray();
            for (var e = 0; e < eventsPerBatch; e++)
            {
                array.Add(Event((b * eventsPerBatch) + e, random));
            }

            var timestamp = (1_764_489_600 + (b * 5)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            requests.Add(new ProviderRequest(array.ToJsonString(), new Dictionary<string, string>
            {
                ["User-Agent"] = "SendGrid Event API",
                ["X-Twilio-Email-Event-Webhook-Signature"] = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" + Convert.ToBase64String(BitConverter.GetBytes(random.NextInt64())),
                ["X-Twilio-Email-Event-Webhook-Timestamp"] = timestamp,
            }));
        }

        return requests;
    }

    private static JsonObject Event(int n, Random random)
    {
        var type = Events[n % Events.Length];
        var e = new JsonObject
        {
            ["email"] = $"user{n % 500}@example.com", ["timestamp"] = 1_764_489_600 + n, ["smtp-id"] = $"<14c5d75ce93.dfd.64b469.filter0{n % 9}@ismtpd-555>",
            ["event"] = type, ["sg_event_id"] = Convert.ToBase64String(BitConverter.GetBytes(random.NextInt64())).TrimEnd('='),
            ["sg_message_id"] = $"14c5d75ce93.dfd.64b469.filter0{n % 9}.16648.5515E0B88.0",
            ["category"] = n % 3 == 0 ? new JsonArray("newsletter", "cat facts") : JsonValue.Create(n % 2 == 0 ? "receipt" : "password-reset"),
            ["userid"] = $"{1_123 + (n % 40)}", ["purchase"] = n % 4 == 0 ? "PO1452297845" : null,
        };
        switch (type)
        {
            case "processed":
                e["pool"] = new JsonObject { ["name"] = "new_MY_test", ["id"] = 210 };
                e["send_at"] = 0;
                break;
            case "deferred":
                e["response"] = "400 try again later";
                e["attempt"] = "5";
                break;
            case "delivered":
                e["ip"] = $"168.1.1.{n % 255}";
                e["response"] = "250 OK";
                e["tls"] = 1;
                e["cert_err"] = 0;
                break;
            case "open":
                e["useragent"] = "Mozilla/4.0 (compatible; MSIE 6.1; Windows XP; .NET CLR 1.1.4322; .NET CLR 2.0.50727)";
                e["ip"] = "255.255.255.255";
                e["sg_machine_open"] = n % 5 == 0;
                break;
            case "click":
                e["useragent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
                e["ip"] = "255.255.255.255";
                e["url"] = $"https://shop.example/p/{n % 90}?utm_source=newsletter&utm_medium=email";
                e["url_offset"] = new JsonObject { ["index"] = n % 4, ["type"] = "html" };
                break;
            case "bounce":
                e["bounce_classification"] = "Invalid Address";
                e["reason"] = "500 unknown recipient";
                e["status"] = "5.0.0";
                e["type"] = n % 2 == 0 ? "bounce" : "blocked";
                break;
            case "dropped":
                e["reason"] = "Bounced Address";
                e["status"] = "5.0.0";
                break;
            case "group_unsubscribe":
            case "group_resubscribe":
                e["asm_group_id"] = 10;
                e["useragent"] = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15";
                e["ip"] = "255.255.255.255";
                e["url"] = "https://sendgrid.com/unsubscribe";
                break;
            default:
                e["marketing_campaign_id"] = 12_345;
                e["marketing_campaign_name"] = "Black Friday 2026";
                break;
        }

        return e;
    }
}
