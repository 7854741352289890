using System.Text;

namespace Sluice.Core.Buffering;

/// <summary>
/// One accepted record as the buffer holds it until it is loaded. The JSON is kept as it came: text, or the buffer's UTF-8
/// bytes (what the loader reads, so the planner parses them without a detour through UTF-16); either form is produced on
/// demand from the other.
/// </summary>
public sealed class BufferedRecord
{
    private string? _json;
    private ReadOnlyMemory<byte>? _utf8Json;

    /// <param name="sourceId">The source (integration) the webhook token belongs to.</param>
    /// <param name="sequence">Epoch nanoseconds, strictly increasing per source; the array order of one request is kept.</param>
    /// <param name="receivedAt">When Sluice received the request (UTC); becomes <c>_sdc_received_at</c>.</param>
    /// <param name="json">The record's raw JSON object text, exactly as posted.</param>
    public BufferedRecord(long sourceId, long sequence, DateTimeOffset receivedAt, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        SourceId = sourceId;
        Sequence = sequence;
        ReceivedAt = receivedAt;
        _json = json;
    }

    /// <param name="sourceId">The source (integration) the webhook token belongs to.</param>
    /// <param name="sequence">Epoch nanoseconds, strictly increasing per source; the array order of one request is kept.</param>
    /// <param name="receivedAt">When Sluice received the request (UTC); becomes <c>_sdc_received_at</c>.</param>
    /// <param name="utf8Json">The record's raw JSON object text as UTF-8, exactly as posted.</param>
    public BufferedRecord(long sourceId, long sequence, DateTimeOffset receivedAt, ReadOnlyMemory<byte> utf8Json)
    {
        SourceId = sourceId;
        Sequence = sequence;
        ReceivedAt = receivedAt;
        _utf8Json = utf8Json;
    }

    public long SourceId { get; }

    public long Sequence { get; }

    public DateTimeOffset ReceivedAt { get; }

    /// <summary>The record's raw JSON object text, exactly as posted.</summary>
    public string Json => _json ??= Encoding.UTF8.GetString(_utf8Json!.Value.Span);

    /// <summary>The same text as UTF-8 (encoded once when the record was made from text).</summary>
    public ReadOnlyMemory<byte> Utf8Json => _utf8Json ??= Encoding.UTF8.GetBytes(_json!);

    /// <summary>
    /// The request headers kept with the record (the source's <c>capture_headers</c> and its <c>header:</c> route), by
    /// lowercased name; null when none were kept. A header sent several times is one value joined with <c>", "</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>True when the record holds UTF-8 bytes already, so <see cref="Utf8Json"/> costs nothing.</summary>
    public bool HasUtf8Json => _utf8Json is not null;
}
