using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using NATS.Client.Core;
using Sluice.Core.Buffering;

namespace Sluice.Server.Buffering.JetStream;

/// <summary>
/// One JetStream message of the buffer: the records of one ingest request (or of one part of a request larger than the
/// servers' <c>max_payload</c>), in order.
/// </summary>
/// <remarks>
/// Headers: <c>Sluice-Ns</c> (the first record's sequence as the publishing node assigned it: epoch nanoseconds),
/// <c>Sluice-Count</c>, <c>Sluice-Bytes</c> (the records' JSON bytes), <c>Sluice-Received</c> (receive time, Unix
/// microseconds) and <c>Nats-Msg-Id</c> (so a publish retried after a lost acknowledgement is stored once). Payload:
/// int32 length of the kept request headers as UTF-8 JSON (0 for none) and that JSON, then per record an int32 length
/// and the record's UTF-8 bytes exactly as posted. The records' final sequences are chained at read time
/// (<see cref="JetStreamIndex"/>), so they stay strictly increasing per source whichever node published.
/// </remarks>
internal static class RecordMessage
{
    public const string NsHeader = "Sluice-Ns";
    public const string CountHeader = "Sluice-Count";
    public const string BytesHeader = "Sluice-Bytes";
    public const string ReceivedHeader = "Sluice-Received";

    /// <summary>What a message's headers say, enough to index it without reading its records.</summary>
    public readonly record struct Summary(long Ns, int Count, long Bytes, DateTimeOffset ReceivedAt);

    /// <summary>The bytes of the payload of <paramref name="count"/> records starting at <paramref name="start"/>.</summary>
    public static int PayloadSize(Utf8Records records, int start, int count, int headersLength)
    {
        var size = 4 + headersLength;
        for (var i = start; i < start + count; i++)
        {
            size += 4 + records[i].Length;
        }

        return size;
    }

    /// <summary>The kept request headers as UTF-8 JSON; empty for none.</summary>
    public static byte[] EncodeHeaders(IReadOnlyDictionary<string, string>? headers) =>
        headers is null || headers.Count == 0 ? [] : JsonSerializer.SerializeToUtf8Bytes(headers, JetStreamJson.Default.IReadOnlyDictionaryStringString);

    /// <summary>Writes the payload of records <paramref name="start"/>..<paramref name="start"/>+<paramref name="count"/>.</summary>
    public static byte[] EncodePayload(Utf8Records records, int start, int count, byte[] headers, out long jsonBytes)
    {
        var payload = new byte[PayloadSize(records, start, count, headers.Length)];
        var span = payload.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, headers.Length);
        headers.CopyTo(span[4..]);
        var offset = 4 + headers.Length;
        jsonBytes = 0;
        for (var i = start; i < start + count; i++)
        {
            var record = records[i];
            BinaryPrimitives.WriteInt32LittleEndian(span[offset..], record.Length);
            record.CopyTo(span[(offset + 4)..]);
            offset += 4 + record.Length;
            jsonBytes += record.Length;
        }

        return payload;
    }

    public static NatsHeaders Headers(string messageId, long ns, int count, long bytes, DateTimeOffset receivedAt) => new()
    {
        ["Nats-Msg-Id"] = messageId,
        [NsHeader] = ns.ToString(CultureInfo.InvariantCulture),
        [CountHeader] = count.ToString(CultureInfo.InvariantCulture),
        [BytesHeader] = bytes.ToString(CultureInfo.InvariantCulture),
        [ReceivedHeader] = ((receivedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Reads a message's headers; null when they are not a Sluice message's (nothing of it is loaded, it is logged).</summary>
    public static Summary? ReadSummary(NatsHeaders? headers)
    {
        if (headers is null
            || !TryLong(headers, NsHeader, out var ns)
            || !TryLong(headers, CountHeader, out var count) || count is < 1 or > int.MaxValue
            || !TryLong(headers, BytesHeader, out var bytes)
            || !TryLong(headers, ReceivedHeader, out var micros))
        {
            return null;
        }

        return new Summary(ns, (int)count, bytes, DateTimeOffset.UnixEpoch.AddTicks(micros * 10));
    }

    /// <summary>
    /// The records of a message's payload, numbered from <paramref name="firstSequence"/>, skipping those at or below
    /// <paramref name="afterSequence"/> and stopping after <paramref name="throughSequence"/>.
    /// </summary>
    public static IEnumerable<BufferedRecord> Records(
        long sourceId, byte[] payload, long firstSequence, DateTimeOffset receivedAt, long afterSequence, long throughSequence)
    {
        var memory = payload.AsMemory();
        var headersLength = BinaryPrimitives.ReadInt32LittleEndian(payload);
        var headers = headersLength == 0
            ? null
            : JsonSerializer.Deserialize(payload.AsSpan(4, headersLength), JetStreamJson.Default.DictionaryStringString);
        var offset = 4 + headersLength;
        var sequence = firstSequence;
        while (offset < payload.Length && sequence <= throughSequence)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(offset));
            if (sequence > afterSequence)
            {
                yield return new BufferedRecord(sourceId, sequence, receivedAt, memory.Slice(offset + 4, length)) { Headers = headers };
            }

            offset += 4 + length;
            sequence++;
        }
    }

    private static bool TryLong(NatsHeaders headers, string name, out long value)
    {
        value = 0;
        return headers.TryGetValue(name, out var values) && values.Count == 1
            && long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}

/// <summary>The cursor of one source in the cursor bucket (<see cref="JetStreamOptions.CursorBucket"/>).</summary>
/// <param name="Stream">The stream sequence of the last message whose records are all loaded (0: none yet).</param>
/// <param name="Last">The record sequence that message ended at: the chain of sequences goes on from it.</param>
/// <param name="Through">The last loaded record sequence (the destination's checkpoint as the buffer last heard it); it may lie inside the message after <see cref="Stream"/>.</param>
/// <param name="ArchiveStream">The stream sequence of the last message removed from the raw archive (0: none).</param>
/// <param name="ArchiveLast">The record sequence that message ended at.</param>
internal sealed record SourceCursor(ulong Stream, long Last, long Through, ulong ArchiveStream, long ArchiveLast)
{
    public static readonly SourceCursor Start = new(0, 0, 0, 0, 0);

    /// <summary>The later of two cursors, field pair by field pair (cursors only move forward).</summary>
    public SourceCursor Merge(SourceCursor other) => new(
        Math.Max(Stream, other.Stream),
        Stream >= other.Stream ? Last : other.Last,
        Math.Max(Through, other.Through),
        Math.Max(ArchiveStream, other.ArchiveStream),
        ArchiveStream >= other.ArchiveStream ? ArchiveLast : other.ArchiveLast);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SourceCursor))]
internal sealed partial class JetStreamJson : System.Text.Json.Serialization.JsonSerializerContext;
