using System.Globalization;
using System.Text;

namespace Sluice.Bench;

/// <summary>
/// Deterministic webhook bodies: SendGrid-like flat events (12 fields, about 300 bytes) and shop orders with an object,
/// a nested object and two levels of arrays (items, each with tags). Record <c>n</c> is always the same text.
/// </summary>
public static class Payloads
{
    private static readonly string[] Events = ["processed", "delivered", "open", "click", "bounce", "deferred"];
    private static readonly string[] Categories = ["newsletter", "receipt", "password-reset", "promotion"];
    private static readonly string[] Cities = ["Lisbon", "Berlin", "Osaka", "Toronto", "Nairobi", "Lima"];
    private static readonly string[] Tags = ["red", "sale", "new", "gift", "bulk", "eco"];

    /// <summary>Flat event number <paramref name="n"/>: 12 fields (text, bigint, double, boolean), about 300 bytes.</summary>
    public static string FlatEvent(long n, long? sentAtMs = null, long? batch = null)
    {
        var sb = new StringBuilder(340);
        sb.Append(CultureInfo.InvariantCulture, $"{{\"event_id\":\"evt_{n:D12}\",");
        if (sentAtMs is { } sent)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\"sent_at\":{sent},\"batch\":{batch ?? 0},");
        }

        sb.Append(CultureInfo.InvariantCulture, $"\"email\":\"user{n % 100_000}@example.com\",");
        sb.Append(CultureInfo.InvariantCulture, $"\"event\":\"{Events[n % Events.Length]}\",");
        sb.Append(CultureInfo.InvariantCulture, $"\"timestamp\":{1_763_900_000 + n},");
        sb.Append(CultureInfo.InvariantCulture, $"\"sg_event_id\":\"{Hex(n, 0x5bd1e995)}{Hex(n, 0x27d4eb2f)[..5]}\",");
        sb.Append(CultureInfo.InvariantCulture, $"\"sg_message_id\":\"{Hex(n / 3, 0x165667b1)}.filter01-{n % 9973}\",");
        sb.Append(CultureInfo.InvariantCulture, $"\"category\":\"{Categories[n % Categories.Length]}\",");
        sb.Append(CultureInfo.InvariantCulture, $"\"ip\":\"203.0.{n % 256}.{(n / 256) % 256}\",");
        sb.Append("\"useragent\":\"Mozilla/5.0 (X11; Linux x86_64)\",");
        sb.Append(CultureInfo.InvariantCulture, $"\"url\":\"https://shop.example/p/{n % 50_000}\",");
        sb.Append(CultureInfo.InvariantCulture, $"\"amount\":{(n % 10_000) / 100.0 + 0.01:0.00},");
        sb.Append(n % 10 == 0 ? "\"is_test\":true}" : "\"is_test\":false}");
        return sb.ToString();
    }

    /// <summary>Order <paramref name="n"/>: keyed by <c>order_id</c>; customer object with an address object; 3 items with 2 tags each.</summary>
    public static string NestedOrder(long n)
    {
        var sb = new StringBuilder(900);
        sb.Append(CultureInfo.InvariantCulture, $"{{\"order_id\":{n},\"status\":\"{(n % 7 == 0 ? "refunded" : "paid")}\",");
        sb.Append(CultureInfo.InvariantCulture, $"\"created_at\":\"2026-11-{1 + (n % 28):D2}T{n % 24:D2}:{n % 60:D2}:00Z\",");
        sb.Append(CultureInfo.InvariantCulture, $"\"total\":{(n % 50_000) / 100.0 + 5.5:0.00},\"currency\":\"EUR\",");
        sb.Append(CultureInfo.InvariantCulture, $"\"customer\":{{\"id\":{n % 20_000},\"email\":\"buyer{n % 20_000}@example.com\",\"name\":\"Buyer {n % 20_000}\",");
        sb.Append(CultureInfo.InvariantCulture, $"\"address\":{{\"city\":\"{Cities[n % Cities.Length]}\",\"zip\":\"{10_000 + (n % 89_999)}\",\"country\":\"PT\"}}}},");
        sb.Append("\"items\":[");
        for (var i = 0; i < 3; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            var sku = (n * 3) + i;
            sb.Append(CultureInfo.InvariantCulture, $"{{\"sku\":\"SKU-{sku % 5000:D5}\",\"qty\":{1 + (sku % 4)},\"price\":{(sku % 3000) / 100.0 + 0.99:0.00},");
            sb.Append(CultureInfo.InvariantCulture, $"\"tags\":[\"{Tags[sku % Tags.Length]}\",\"{Tags[(sku + 1) % Tags.Length]}\"]}}");
        }

        sb.Append(CultureInfo.InvariantCulture, $"],\"shipping\":{{\"method\":\"standard\",\"cost\":4.95}},\"gift\":{(n % 5 == 0 ? "true" : "false")}}}");
        return sb.ToString();
    }

    /// <summary>How many event types <see cref="WideEvent"/> has, and how many fields each: 2,000 distinct fields in all.</summary>
    public const int WideTypes = 50;
    public const int WideFieldsPerType = 40;

    /// <summary>
    /// Event <paramref name="n"/> of a wide heterogeneous stream: <c>type</c> <c>evt_type_{n % 50}</c> and that type's 40 fields
    /// of its own (30 top level, 10 in a <c>detail</c> object, text, integers, decimals and booleans), about 1.2 KB: the stream
    /// has 50 event types and 2,000 distinct fields, as a provider with many event types posts to one source.
    /// </summary>
    public static string WideEvent(long n)
    {
        var type = (int)(n % WideTypes);
        var sb = new StringBuilder(1400);
        sb.Append(CultureInfo.InvariantCulture, $"{{\"id\":\"evt_{n:D12}\",\"type\":\"evt_type_{type}\",\"created\":{1_763_900_000 + n},");
        for (var f = 0; f < 30; f++)
        {
            AppendWideField(sb, type, f, n);
            sb.Append(',');
        }

        sb.Append("\"detail\":{");
        for (var f = 30; f < WideFieldsPerType; f++)
        {
            if (f > 30)
            {
                sb.Append(',');
            }

            AppendWideField(sb, type, f, n);
        }

        sb.Append("}}");
        return sb.ToString();
    }

    private static void AppendWideField(StringBuilder sb, int type, int field, long n)
    {
        sb.Append(CultureInfo.InvariantCulture, $"\"t{type}_f{field}\":");
        switch (field % 4)
        {
            case 0:
                sb.Append(CultureInfo.InvariantCulture, $"\"{Cities[(n + field) % Cities.Length]}-{n % 1000}\"");
                break;
            case 1:
                sb.Append(CultureInfo.InvariantCulture, $"{(n * 31) + field}");
                break;
            case 2:
                sb.Append(CultureInfo.InvariantCulture, $"{((n + field) % 10_000) / 100.0 + 0.01:0.00}");
                break;
            default:
                sb.Append((n + field) % 3 == 0 ? "true" : "false");
                break;
        }
    }

    private static string Hex(long n, uint salt)
    {
        var x = unchecked((ulong)n * salt) ^ 0x9E3779B97F4A7C15UL;
        x ^= x >> 29;
        return x.ToString("x16", CultureInfo.InvariantCulture)[..11];
    }
}
