using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Sluice.Core.Buffering;

namespace Sluice.Server.Buffering.JetStream;

/// <summary>
/// The buffer on NATS JetStream as the loader sees it: records are read from the stream by this node's
/// <see cref="JetStreamIndex"/>, and a delete moves the source's cursor (in the cursor bucket, compare-and-set) before
/// the loaded messages leave the stream, or stay as the raw archive for <see cref="BufferOptions.Retention"/>.
/// </summary>
/// <remarks>
/// A message only partly loaded (a load's record limit fell inside it) stays in the stream until the rest is loaded; its
/// loaded records are skipped by the cursor's <see cref="SourceCursor.Through"/>, so they are neither read as pending
/// nor lost to a rebuild (<see cref="ReadArchivedAsync"/> includes them).
/// </remarks>
public sealed partial class JetStreamRecordBuffer(
    JetStreamConnection connection,
    JetStreamIndex index,
    IOptions<BufferOptions> options,
    TimeProvider time,
    ILogger<JetStreamRecordBuffer> logger) : IRecordBuffer, IArchiveSweep
{
    /// <summary>How many times a cursor update is tried against other nodes' updates of the same cursor.</summary>
    private const int CursorAttempts = 20;

    public async Task<IReadOnlyList<BufferedRecord>> ReadAsync(long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        var entries = index.ToRead(sourceId, afterSequence, maxRecords, maxBytes);
        if (entries.Count == 0)
        {
            return [];
        }

        var after = Math.Max(afterSequence, index.CursorOf(sourceId).Through);
        var records = new List<BufferedRecord>();
        var bytes = 0L;
        await foreach (var (entry, payload) in FetchAsync(sourceId, entries, cancellationToken))
        {
            foreach (var record in RecordMessage.Records(sourceId, payload, entry.First, entry.ReceivedAt, after, long.MaxValue))
            {
                if (records.Count >= maxRecords || (records.Count > 0 && bytes + record.Utf8Json.Length > maxBytes))
                {
                    return records;
                }

                records.Add(record);
                bytes += record.Utf8Json.Length;
            }
        }

        return records;
    }

    public async Task<long> DeleteThroughAsync(long sourceId, long throughSequence, CancellationToken cancellationToken)
    {
        if (index.Advance(sourceId, throughSequence) is not var (cursor, records))
        {
            return 0;
        }

        // With no retention the loaded messages leave at once: the archive starts where the cursor now is.
        var keep = options.Value.Retention > TimeSpan.Zero;
        var stored = await UpdateCursorAsync(
            sourceId, c => c.Merge(keep ? cursor : cursor with { ArchiveStream = cursor.Stream, ArchiveLast = cursor.Last }), cancellationToken);
        index.SetCursor(sourceId, stored, time.GetUtcNow());
        if (!keep)
        {
            await PurgeAsync(sourceId, stored.Stream, cancellationToken);
        }

        return records;
    }

    /// <summary>
    /// What this node's index holds past each cursor. While the index is being built (at start, or after NATS was lost) it
    /// lists what it has read so far: a source shows up once its messages are indexed, and /readyz tells NATS is away.
    /// </summary>
    public Task<IReadOnlyList<PendingSource>> GetPendingAsync(CancellationToken cancellationToken) => Task.FromResult(index.Pending());

    public async Task<IReadOnlyList<BufferedRecord>> ReadArchivedAsync(long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        var cursor = index.CursorOf(sourceId);
        var records = new List<BufferedRecord>();
        var bytes = 0L;
        await foreach (var (entry, payload) in ArchivedAsync(sourceId, cursor, headersOnly: false, cancellationToken))
        {
            if (entry.Last <= afterSequence)
            {
                continue;
            }

            foreach (var record in RecordMessage.Records(sourceId, payload!, entry.First, entry.ReceivedAt, afterSequence, cursor.Through))
            {
                if (records.Count >= maxRecords || (records.Count > 0 && bytes + record.Utf8Json.Length > maxBytes))
                {
                    return records;
                }

                records.Add(record);
                bytes += record.Utf8Json.Length;
            }
        }

        return records;
    }

    public async Task<ArchiveStats> GetArchiveAsync(long sourceId, CancellationToken cancellationToken)
    {
        var cursor = index.CursorOf(sourceId);
        var (records, bytes) = (0L, 0L);
        DateTimeOffset? oldest = null;
        await foreach (var (entry, _) in ArchivedAsync(sourceId, cursor, headersOnly: true, cancellationToken))
        {
            var taken = Math.Min(entry.Last, cursor.Through) - entry.First + 1;
            records += taken;
            bytes += entry.Count == 0 ? 0 : entry.Bytes * taken / entry.Count;
            oldest ??= entry.ReceivedAt;
        }

        return records == 0 ? ArchiveStats.Empty : new ArchiveStats(records, bytes, oldest);
    }

    /// <summary>
    /// Removes from the archive what has outlived the retention (every loaded message when it is zero): moves each source's
    /// archive start in its cursor, then purges the stream below it. Returns how many records went. Every node sweeps;
    /// cursor updates are compare-and-set, so two sweeps at once remove nothing twice.
    /// </summary>
    public async Task<long> SweepArchiveAsync(CancellationToken cancellationToken)
    {
        if (!index.CaughtUp)
        {
            return 0; // the cursors this node knows may be behind: sweep once the index has read the stream
        }

        var retention = options.Value.Retention;
        var swept = 0L;
        foreach (var (sourceId, known) in index.Cursors())
        {
            // What was loaded more than the retention ago (as this node saw the loads); with no retention, all that was loaded.
            var until = retention == TimeSpan.Zero ? (known.Stream, known.Last) : index.LoadedBy(sourceId, time.GetUtcNow() - retention);
            if (until is not var (stream, last) || stream <= known.ArchiveStream)
            {
                continue;
            }

            var records = 0L;
            if (retention > TimeSpan.Zero)
            {
                await foreach (var (entry, _) in ArchivedAsync(sourceId, known, headersOnly: true, cancellationToken))
                {
                    if (entry.StreamSequence > stream)
                    {
                        break;
                    }

                    records += entry.Count;
                }
            }

            var stored = await UpdateCursorAsync(sourceId, c => c.Merge(c with { ArchiveStream = stream, ArchiveLast = last }), cancellationToken);
            index.SetCursor(sourceId, stored);
            await PurgeAsync(sourceId, stored.ArchiveStream, cancellationToken);
            swept += records;
        }

        return swept;
    }

    /// <summary>Removes <paramref name="sourceId"/>'s messages up to and including stream sequence <paramref name="through"/>.</summary>
    private async Task PurgeAsync(long sourceId, ulong through, CancellationToken cancellationToken)
    {
        if (through == 0)
        {
            return;
        }

        try
        {
            await connection.JetStream.PurgeStreamAsync(
                connection.Options.Stream, new StreamPurgeRequest { Filter = connection.Options.SubjectOf(sourceId), Seq = through + 1 }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The cursor has moved: the messages are skipped by every reader, and the next sweep purges them.
            LogPurgeFailed(logger, sourceId, through, ex);
        }
    }

    /// <summary>Reads, changes and writes back a source's cursor, compare-and-set against other nodes' writes.</summary>
    private async Task<SourceCursor> UpdateCursorAsync(long sourceId, Func<SourceCursor, SourceCursor> change, CancellationToken cancellationToken)
    {
        var cursors = await connection.GetCursorsAsync(cancellationToken);
        var key = sourceId.ToString(CultureInfo.InvariantCulture);
        for (var attempt = 1; ; attempt++)
        {
            var entry = await cursors.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken);
            var current = entry.Success && JetStreamIndexer.Parse(key, entry.Value.Value) is var (_, stored) ? stored : SourceCursor.Start;
            var next = change(current);
            if (next == current && entry.Success)
            {
                return current;
            }

            var value = JsonSerializer.SerializeToUtf8Bytes(next, JetStreamJson.Default.SourceCursor);
            var written = entry.Success
                ? await cursors.TryUpdateAsync(key, value, entry.Value.Revision, cancellationToken: cancellationToken)
                : await cursors.TryCreateAsync(key, value, cancellationToken: cancellationToken);
            if (written.Success)
            {
                return next;
            }

            if (attempt >= CursorAttempts)
            {
                throw new JetStreamUnavailableException($"Could not move the cursor of source {sourceId}: {written.Error.Message}", written.Error);
            }
        }
    }

    /// <summary>The payloads of <paramref name="entries"/> (one source's, in stream order), read with one ordered consumer.</summary>
    private async IAsyncEnumerable<(JetStreamIndex.Entry Entry, byte[] Payload)> FetchAsync(
        long sourceId, List<JetStreamIndex.Entry> entries, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = 0;
        await foreach (var (sequence, _, payload) in ReadStreamAsync(sourceId, entries[0].StreamSequence, entries[^1].StreamSequence, headersOnly: false, cancellationToken))
        {
            while (next < entries.Count && entries[next].StreamSequence < sequence)
            {
                next++;
            }

            if (next >= entries.Count)
            {
                yield break;
            }

            if (entries[next].StreamSequence == sequence)
            {
                yield return (entries[next], payload!);
                next++;
            }
        }

        if (next < entries.Count)
        {
            // An indexed message is gone from the stream: only a purge by hand or a lost stream does that.
            throw new InvalidOperationException(
                $"Message {entries[next].StreamSequence} of source {sourceId} is indexed but no longer in stream {connection.Options.Stream}; its records cannot be read.");
        }
    }

    /// <summary>The archived messages of a source (after its archive start, through the message holding <see cref="SourceCursor.Through"/>), with the chain of sequences from the archive start.</summary>
    private async IAsyncEnumerable<(JetStreamIndex.Entry Entry, byte[]? Payload)> ArchivedAsync(
        long sourceId, SourceCursor cursor, bool headersOnly, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (cursor.Through == 0 || cursor.Through <= cursor.ArchiveLast || options.Value.Retention == TimeSpan.Zero)
        {
            yield break;
        }

        var chain = cursor.ArchiveLast;
        await foreach (var (sequence, summary, payload) in ReadStreamAsync(sourceId, cursor.ArchiveStream + 1, ulong.MaxValue, headersOnly, cancellationToken))
        {
            var first = Math.Max(summary.Ns, chain + 1);
            var entry = new JetStreamIndex.Entry(sequence, first, summary.Count, summary.Bytes, summary.ReceivedAt);
            chain = entry.Last;
            if (entry.First > cursor.Through)
            {
                yield break;
            }

            yield return (entry, payload);
        }
    }

    /// <summary>One source's messages from stream sequence <paramref name="from"/> to <paramref name="to"/>, as the stream holds them now.</summary>
    private async IAsyncEnumerable<(ulong Sequence, RecordMessage.Summary Summary, byte[]? Payload)> ReadStreamAsync(
        long sourceId, ulong from, ulong to, bool headersOnly, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await connection.EnsureAsync(cancellationToken);
        var consumer = await connection.JetStream.CreateOrderedConsumerAsync(
            connection.Options.Stream,
            new NatsJSOrderedConsumerOpts
            {
                FilterSubjects = [connection.Options.SubjectOf(sourceId)],
                DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
                OptStartSeq = from,
                HeadersOnly = headersOnly,
            },
            cancellationToken);
        while (true)
        {
            var any = false;
            await foreach (var message in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 1000 }, cancellationToken: cancellationToken))
            {
                any = true;
                var metadata = message.Metadata!.Value;
                var sequence = metadata.Sequence.Stream;
                if (sequence > to)
                {
                    yield break;
                }

                if (RecordMessage.ReadSummary(message.Headers) is { } summary)
                {
                    yield return (sequence, summary, headersOnly ? null : message.Data ?? []);
                }

                if (metadata.NumPending == 0)
                {
                    yield break;
                }
            }

            if (!any)
            {
                yield break;
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.JetStream.PurgeFailed, Level = LogLevel.Warning, Message = "Could not purge the loaded messages of source {SourceId} through stream sequence {Through}; the next archive sweep does")]
    private static partial void LogPurgeFailed(ILogger logger, long sourceId, ulong through, Exception exception);
}
