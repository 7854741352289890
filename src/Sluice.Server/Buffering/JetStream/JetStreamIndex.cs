using Sluice.Core.Buffering;

namespace Sluice.Server.Buffering.JetStream;

/// <summary>
/// This node's index of the record stream: for each source, the messages after its cursor (stream sequence, first record
/// sequence, count, bytes, receive time), kept from the messages' headers alone by <see cref="JetStreamIndexer"/>.
/// </summary>
/// <remarks>
/// The record sequences are a chain in stream order: a message's first record gets the sequence its publishing node
/// assigned (epoch nanoseconds) or one more than the message before it ended at, whichever is greater. The chain depends
/// only on the stream and the cursor it starts from, so every node numbers every record alike, and the numbers stay
/// strictly increasing per source whichever node published (two nodes' clocks need not agree).
/// </remarks>
public sealed class JetStreamIndex
{
    private readonly object _lock = new();
    private readonly Dictionary<long, SourceEntries> _sources = [];

    /// <summary>The last stream sequence indexed (every source).</summary>
    public ulong IndexedThrough { get; private set; }

    /// <summary>True once the stream as it was when the indexer started has been read.</summary>
    public bool CaughtUp { get; internal set; }

    internal readonly record struct Entry(ulong StreamSequence, long First, int Count, long Bytes, DateTimeOffset ReceivedAt)
    {
        public long Last => First + Count - 1;
    }

    private sealed class SourceEntries
    {
        public SourceCursor Cursor = SourceCursor.Start;
        public readonly List<Entry> Entries = [];
        public int Head;
        public long ChainLast;
        public ulong SeenThrough;
        public long Records;
        public long Bytes;

        /// <summary>When this node saw the cursor reach a message (at most one mark a <see cref="MarkGranularity"/>), oldest first.</summary>
        public readonly List<(DateTimeOffset At, ulong Stream, long Last)> Marks = [];

        public void Trim()
        {
            while (Head < Entries.Count && Entries[Head].StreamSequence <= Cursor.Stream)
            {
                Records -= Entries[Head].Count;
                Bytes -= Entries[Head].Bytes;
                Head++;
            }

            if (Head > 1024 && Head * 2 > Entries.Count)
            {
                Entries.RemoveRange(0, Head);
                Head = 0;
            }
        }
    }

    /// <summary>
    /// How close in time two marks of a source's loads may be before the later replaces the earlier (with its time, so a
    /// message is never taken for archived earlier than it was).
    /// </summary>
    private static readonly TimeSpan MarkGranularity = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Takes a source's cursor as stored (at start, from another node, or after this node's delete); cursors only move
    /// forward. A cursor that moves on is marked with <paramref name="seenAt"/>: the archive keeps a message for the
    /// retention after the first mark at or past it (a node that restarts keeps everything one more retention).
    /// </summary>
    internal void SetCursor(long sourceId, SourceCursor cursor, DateTimeOffset? seenAt = null)
    {
        lock (_lock)
        {
            var source = Get(sourceId);
            var merged = source.Cursor.Merge(cursor);
            if (merged == source.Cursor)
            {
                return;
            }

            if (seenAt is { } at && merged.Stream > source.Cursor.Stream)
            {
                if (source.Marks.Count > 0 && at - source.Marks[^1].At < MarkGranularity)
                {
                    source.Marks[^1] = (at, merged.Stream, merged.Last);
                }
                else
                {
                    source.Marks.Add((at, merged.Stream, merged.Last));
                }
            }

            source.Cursor = merged;
            if (source.ChainLast < merged.Last && source.SeenThrough <= merged.Stream)
            {
                source.ChainLast = merged.Last;
            }

            source.SeenThrough = Math.Max(source.SeenThrough, merged.Stream);
            source.Trim();
        }
    }

    /// <summary>The cursor as this node knows it.</summary>
    internal SourceCursor CursorOf(long sourceId)
    {
        lock (_lock)
        {
            return _sources.TryGetValue(sourceId, out var source) ? source.Cursor : SourceCursor.Start;
        }
    }

    /// <summary>
    /// The newest mark of <paramref name="sourceId"/> at or before <paramref name="cutoff"/> (loaded by then), dropping the
    /// marks before it; null when none.
    /// </summary>
    internal (ulong Stream, long Last)? LoadedBy(long sourceId, DateTimeOffset cutoff)
    {
        lock (_lock)
        {
            if (!_sources.TryGetValue(sourceId, out var source))
            {
                return null;
            }

            var newest = source.Marks.FindLastIndex(m => m.At <= cutoff);
            if (newest < 0)
            {
                return null;
            }

            var mark = source.Marks[newest];
            source.Marks.RemoveRange(0, newest);
            return (mark.Stream, mark.Last);
        }
    }

    /// <summary>The sources that have a cursor or messages.</summary>
    internal IReadOnlyList<(long SourceId, SourceCursor Cursor)> Cursors()
    {
        lock (_lock)
        {
            return _sources.Select(s => (s.Key, s.Value.Cursor)).ToList();
        }
    }

    /// <summary>Indexes one message, in stream order.</summary>
    internal void Add(long sourceId, ulong streamSequence, RecordMessage.Summary summary)
    {
        lock (_lock)
        {
            IndexedThrough = Math.Max(IndexedThrough, streamSequence);
            var source = Get(sourceId);
            if (streamSequence <= source.SeenThrough)
            {
                return;
            }

            source.SeenThrough = streamSequence;
            var first = Math.Max(summary.Ns, source.ChainLast + 1);
            var entry = new Entry(streamSequence, first, summary.Count, summary.Bytes, summary.ReceivedAt);
            source.ChainLast = entry.Last;
            source.Entries.Add(entry);
            source.Records += entry.Count;
            source.Bytes += entry.Bytes;
        }
    }

    /// <summary>Notes a stream sequence that is not a record message (so <see cref="IndexedThrough"/> moves on).</summary>
    internal void Skip(ulong streamSequence)
    {
        lock (_lock)
        {
            IndexedThrough = Math.Max(IndexedThrough, streamSequence);
        }
    }

    /// <summary>Every source with records past its cursor's <see cref="SourceCursor.Through"/>.</summary>
    public IReadOnlyList<PendingSource> Pending()
    {
        lock (_lock)
        {
            var pending = new List<PendingSource>();
            foreach (var (sourceId, source) in _sources)
            {
                if (source.Head >= source.Entries.Count)
                {
                    continue;
                }

                var head = source.Entries[source.Head];
                var loadedOfHead = Math.Clamp(source.Cursor.Through - head.First + 1, 0, head.Count);
                var records = source.Records - loadedOfHead;
                if (records <= 0)
                {
                    continue;
                }

                var bytes = source.Bytes - (head.Count == 0 ? 0 : head.Bytes * loadedOfHead / head.Count);
                pending.Add(new PendingSource(sourceId, records, bytes, head.ReceivedAt, source.Entries[^1].ReceivedAt));
            }

            return pending;
        }
    }

    /// <summary>
    /// The messages to read for records after <paramref name="afterSequence"/>: from the first that ends past it, as many as
    /// hold <paramref name="maxRecords"/> records (and, past the first, <paramref name="maxBytes"/>), oldest first.
    /// </summary>
    internal List<Entry> ToRead(long sourceId, long afterSequence, int maxRecords, long maxBytes)
    {
        lock (_lock)
        {
            var result = new List<Entry>();
            if (!_sources.TryGetValue(sourceId, out var source))
            {
                return result;
            }

            var after = Math.Max(afterSequence, source.Cursor.Through);
            var index = FirstEndingAfter(source, after);
            var (records, bytes) = (0L, 0L);
            for (var i = index; i < source.Entries.Count && records < maxRecords && (records == 0 || bytes < maxBytes); i++)
            {
                var entry = source.Entries[i];
                result.Add(entry);
                var taken = entry.Last - Math.Max(after, entry.First - 1);
                records += taken;
                bytes += entry.Count == 0 ? 0 : entry.Bytes * taken / entry.Count;
            }

            return result;
        }
    }

    /// <summary>
    /// What a delete through <paramref name="throughSequence"/> makes of the cursor (the last message it finishes, the new
    /// through), and how many records it takes from pending; null when it takes none.
    /// </summary>
    internal (SourceCursor Cursor, long Records)? Advance(long sourceId, long throughSequence)
    {
        lock (_lock)
        {
            if (!_sources.TryGetValue(sourceId, out var source) || throughSequence <= source.Cursor.Through)
            {
                return null;
            }

            var cursor = source.Cursor;
            var (stream, last) = (cursor.Stream, cursor.Last);
            var records = 0L;
            for (var i = FirstEndingAfter(source, cursor.Through); i < source.Entries.Count; i++)
            {
                var entry = source.Entries[i];
                if (entry.First > throughSequence)
                {
                    break;
                }

                records += Math.Min(entry.Last, throughSequence) - Math.Max(cursor.Through, entry.First - 1);
                if (entry.Last <= throughSequence)
                {
                    (stream, last) = (entry.StreamSequence, entry.Last);
                }
            }

            return (cursor with { Stream = stream, Last = last, Through = throughSequence }, records);
        }
    }

    /// <summary>The first entry (from the head) whose last record lies after <paramref name="after"/>.</summary>
    private static int FirstEndingAfter(SourceEntries source, long after)
    {
        var (lo, hi) = (source.Head, source.Entries.Count);
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (source.Entries[mid].Last <= after)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private SourceEntries Get(long sourceId)
    {
        if (!_sources.TryGetValue(sourceId, out var source))
        {
            _sources[sourceId] = source = new SourceEntries();
        }

        return source;
    }
}
