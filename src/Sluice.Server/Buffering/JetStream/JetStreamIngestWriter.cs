using System.Diagnostics;
using System.Globalization;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Sluice.Core.Buffering;
using Sluice.Server.Operations;

namespace Sluice.Server.Buffering.JetStream;

/// <summary>
/// Ingest into the JetStream buffer: a request's records become one message on the source's subject (or several, each
/// within the servers' <c>max_payload</c>), published together, and the request is answered only once JetStream has
/// acknowledged every one (stored by the stream's replicas). Requests are not queued behind each other: each publishes
/// at once on the shared connection, so many acknowledgements are awaited at the same time.
/// </summary>
public sealed partial class JetStreamIngestWriter(
    JetStreamConnection connection, TimeProvider time, ILogger<JetStreamIngestWriter> logger, SluiceMetrics? metrics = null) : IIngestWriter
{
    /// <summary>Room left in a message for its NATS headers.</summary>
    private const int HeaderRoom = 1024;

    private readonly SequenceAssigner _sequences = new();

    /// <summary>Message ids: this writer's (node and instance) prefix and a count, unique within JetStream's duplicate window.</summary>
    private readonly string _idPrefix = connection.NodeId + "-" + Guid.NewGuid().ToString("N")[..6];
    private long _messages;

    public async ValueTask<AppendOutcome> AppendAsync(long sourceId, Utf8Records records, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return AppendOutcome.Accepted;
        }

        // A child of the request: each request publishes on its own, there is no commit shared by several.
        using var activity = SluiceTracing.Source.StartActivity(SluiceTracing.BufferPublish);
        activity?.SetTag("sluice.source_id", sourceId);
        activity?.SetTag("sluice.records", records.Count);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await connection.EnsureAsync(CancellationToken.None);
        }
        catch (JetStreamUnavailableException)
        {
            return AppendOutcome.Unavailable;
        }

        var encodedHeaders = RecordMessage.EncodeHeaders(headers);
        var limit = connection.MaxPayload - HeaderRoom;
        var parts = Split(records, encodedHeaders.Length, limit);
        if (parts is null)
        {
            return AppendOutcome.TooLarge;
        }

        var receivedAt = time.GetUtcNow();
        long first;
        lock (_sequences)
        {
            first = _sequences.Reserve(sourceId, SequenceAssigner.ToEpochNanoseconds(receivedAt), records.Count);
        }

        // Every part is published before any acknowledgement is awaited. Once published, the append is not cancelled
        // (the client's going away does not undo what JetStream may already hold).
        var subject = connection.Options.SubjectOf(sourceId);
        var publishes = new List<ValueTask<NATS.Client.JetStream.Models.PubAckResponse>>(parts.Count);
        foreach (var (start, count) in parts)
        {
            var payload = RecordMessage.EncodePayload(records, start, count, encodedHeaders, out var bytes);
            var id = string.Create(CultureInfo.InvariantCulture, $"{_idPrefix}-{Interlocked.Increment(ref _messages)}");
            publishes.Add(connection.JetStream.PublishAsync(
                subject, payload, headers: RecordMessage.Headers(id, first + start, count, bytes, receivedAt),
                opts: new NatsJSPubOpts { MsgId = id }, cancellationToken: CancellationToken.None));
        }

        var failed = false;
        foreach (var publish in publishes)
        {
            try
            {
                var ack = await publish;
                ack.EnsureSuccess();
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException or OperationCanceledException)
            {
                // Answered 503: the client sends the request again. A part that did reach the stream is loaded then twice,
                // as with any retried request whose answer was lost; a whole request in one message is stored or not.
                failed = true;
                LogPublishFailed(logger, sourceId, records.Count, ex);
            }
        }

        metrics?.BufferPublished(Stopwatch.GetElapsedTime(started), !failed);
        if (failed)
        {
            activity.Failed("JetStream did not acknowledge every part");
        }

        return failed ? AppendOutcome.Unavailable : AppendOutcome.Accepted;
    }

    /// <summary>The records cut into runs that fit in <paramref name="limit"/> bytes of payload each; null when one record alone does not.</summary>
    private static List<(int Start, int Count)>? Split(Utf8Records records, int headersLength, int limit)
    {
        var parts = new List<(int, int)>();
        var (start, size) = (0, 4 + headersLength);
        for (var i = 0; i < records.Count; i++)
        {
            var add = 4 + records[i].Length;
            if (4 + headersLength + add > limit)
            {
                return null;
            }

            if (size + add > limit)
            {
                parts.Add((start, i - start));
                (start, size) = (i, 4 + headersLength);
            }

            size += add;
        }

        parts.Add((start, records.Count - start));
        return parts;
    }

    [LoggerMessage(EventId = LogEvents.JetStream.PublishFailed, Level = LogLevel.Warning, Message = "JetStream did not acknowledge {Records} records of source {SourceId}; answered 503")]
    private static partial void LogPublishFailed(ILogger logger, long sourceId, int records, Exception exception);
}
