using System.Text;
using System.Text.Json;
using Sluice.Core.Buffering;
using Sluice.Server.Buffering;

namespace Sluice.Server.Web;

/// <summary>
/// The last few raw records an integration received, as the buffer keeps them (pending, then the raw archive): pretty-printed
/// JSON and the request headers kept with them, secrets masked (<see cref="HeaderMask"/>).
/// </summary>
public sealed class RecentEvents(IRecordBuffer buffer)
{
    public const int Count = 5;

    /// <summary>Longest JSON shown per record, in characters; the rest is cut with a note.</summary>
    public const int MaxJsonChars = 4000;

    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Null when the buffer cannot read its newest records (the NATS buffer).</summary>
    public async Task<IReadOnlyList<RawEvent>?> GetAsync(long sourceId, CancellationToken cancellationToken)
    {
        if (buffer is not IReceivedHistory history)
        {
            return null;
        }

        var records = await history.GetNewestAsync(sourceId, Count, cancellationToken);
        return records.Select(ToView).ToList();
    }

    private static RawEvent ToView(BufferedRecord record)
    {
        var json = Pretty(record.Utf8Json.Span);
        if (json.Length > MaxJsonChars)
        {
            json = json[..MaxJsonChars] + $"\n… cut here: the record is {WebFormat.Count(record.Utf8Json.Length)} bytes.";
        }

        var headers = (record.Headers ?? new Dictionary<string, string>())
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => new KeyValuePair<string, string>(h.Key, HeaderMask.Apply(h.Key, h.Value)))
            .ToList();
        return new RawEvent(record.Sequence, record.ReceivedAt.UtcDateTime, json, headers);
    }

    private static string Pretty(ReadOnlySpan<byte> utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, Indented))
            {
                document.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(utf8);
        }
    }
}

/// <summary>One raw record: its sequence, when it was received, its JSON pretty-printed, its kept headers (masked).</summary>
public sealed record RawEvent(long Sequence, DateTime ReceivedAt, string Json, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>
/// Which request headers hold secrets, and how the web app shows them: credentials (Authorization, Proxy-Authorization, cookies),
/// signatures (X-Hub-Signature-256, Stripe-Signature, X-Slack-Signature, ...), tokens, API keys and passwords. A masked value
/// keeps only an authorization scheme (<c>Bearer</c>, <c>Basic</c>) and its length.
/// </summary>
public static class HeaderMask
{
    private static readonly string[] Exact = ["authorization", "proxy-authorization", "cookie", "set-cookie"];

    private static readonly string[] Parts = ["token", "secret", "signature", "password", "passwd", "api-key", "apikey", "api_key", "auth", "session", "credential", "-sig", "private"];

    public static bool IsSecret(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.ToLowerInvariant().Replace('_', '-');
        return Exact.Contains(lower) || Parts.Any(p => lower.Contains(p.Replace('_', '-'), StringComparison.Ordinal)) || lower.EndsWith("sig", StringComparison.Ordinal);
    }

    /// <summary>The value as shown: itself, or masked when <paramref name="name"/> holds a secret.</summary>
    public static string Apply(string name, string? value)
    {
        if (value is null || !IsSecret(name))
        {
            return value ?? string.Empty;
        }

        var space = value.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space is > 0 and <= 12 && value[..space].All(char.IsAsciiLetter) ? value[..(space + 1)] : string.Empty;
        return $"{scheme}•••••• (masked, {value.Length} characters)";
    }

    /// <summary>For a column of a table: <c>_sdc_header_&lt;name&gt;</c> columns of secret headers are masked too.</summary>
    public static string Cell(string column, object? value)
    {
        const string prefix = "_sdc_header_";
        var text = WebFormat.Cell(value);
        return value is not null && column.StartsWith(prefix, StringComparison.Ordinal) && IsSecret(column[prefix.Length..]) ? Apply(column[prefix.Length..], text) : text;
    }
}
