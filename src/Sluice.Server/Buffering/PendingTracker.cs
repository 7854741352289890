using Microsoft.Data.Sqlite;
using Sluice.Core.Buffering;

namespace Sluice.Server.Buffering;

/// <summary>
/// What <c>buffer.db</c> holds per source, kept in memory so that <see cref="SqliteRecordBuffer.GetPendingAsync"/> (every
/// loader poll, after every load, every stats request) does not scan the whole buffer. Each call only reads what is new: the
/// sources (a skip-scan of the primary key, one seek per source) and, per source, the records past the highest sequence
/// already counted (an index range of whole blocks, <see cref="RecordBlock"/>, empty when nothing arrived). Deleting a batch the loader read subtracts that batch's
/// count and bytes, noted when it was read; any other delete has the source counted afresh.
/// The first call counts everything once, as a restart must.
/// </summary>
/// <remarks>
/// Relies on the writer's guarantee that a source's sequences only increase and that records are committed in sequence
/// order (one writer), so "past the highest counted sequence" is everything not yet counted. The oldest pending record is
/// the source's lowest sequence (equal to the earliest receive time unless the clock stepped back).
/// Callers hold <see cref="Gate"/> around every use.
/// </remarks>
internal sealed class PendingTracker
{
    private readonly Dictionary<long, SourceState> _sources = [];
    private readonly Dictionary<(long SourceId, long LastSequence), ReadBatch> _reads = [];

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Counts what arrived since the last call and returns every source with records, by source id.</summary>
    public IReadOnlyList<PendingSource> Refresh(SqliteConnection connection)
    {
        var present = SourcesIn(connection);
        var presentSet = present.ToHashSet();
        foreach (var gone in _sources.Keys.Where(id => !presentSet.Contains(id)).ToList())
        {
            _sources.Remove(gone);
        }

        using var newer = connection.CreateCommand();
        newer.CommandText = """
            SELECT coalesce(sum(records), 0), coalesce(sum(bytes), 0), max(last_received_at), max(last_sequence)
            FROM record_blocks WHERE source_id = $source AND last_sequence > $after
            """;
        var sourceParameter = newer.Parameters.Add("$source", SqliteType.Integer);
        var afterParameter = newer.Parameters.Add("$after", SqliteType.Integer);
        using var oldest = connection.CreateCommand();
        oldest.CommandText = "SELECT first_received_at FROM record_blocks WHERE source_id = $source ORDER BY last_sequence LIMIT 1";
        var oldestSource = oldest.Parameters.Add("$source", SqliteType.Integer);

        var pending = new List<PendingSource>(present.Count);
        foreach (var id in present)
        {
            if (!_sources.TryGetValue(id, out var state) || state.Recount)
            {
                _sources[id] = state = new SourceState();
            }

            sourceParameter.Value = id;
            afterParameter.Value = state.CountedThrough;
            using (var reader = newer.ExecuteReader())
            {
                reader.Read();
                var count = reader.GetInt64(0);
                if (count > 0)
                {
                    state.Records += count;
                    state.Bytes += reader.GetInt64(1);
                    state.NewestMicroseconds = Math.Max(state.NewestMicroseconds, reader.GetInt64(2));
                    state.CountedThrough = reader.GetInt64(3);
                }
            }

            if (state.OldestMicroseconds is null)
            {
                oldestSource.Value = id;
                state.OldestMicroseconds = oldest.ExecuteScalar() is long microseconds ? microseconds : null;
            }

            if (state.Records > 0 && state.OldestMicroseconds is { } first)
            {
                pending.Add(new PendingSource(id, state.Records, state.Bytes, FromEpochMicroseconds(first), FromEpochMicroseconds(state.NewestMicroseconds)));
            }
        }

        return pending;
    }

    /// <summary>Notes a batch the loader read, so that deleting exactly it later needs no second look at its records.</summary>
    public void Read(long sourceId, long firstSequence, long lastSequence, long records, long bytes)
    {
        lock (_reads)
        {
            _reads[(sourceId, lastSequence)] = new ReadBatch(firstSequence, records, bytes);
        }
    }

    /// <summary>
    /// Takes <paramref name="deleted"/> records (all of the source's up to <paramref name="throughSequence"/>) off the counts:
    /// exactly when they are the batches <see cref="Read"/> noted and were all counted, else by counting the source afresh at the
    /// next <see cref="Refresh"/> (after a crash, or when the batch outran the counts).
    /// </summary>
    public void Deleted(long sourceId, long throughSequence, long deleted)
    {
        // A load of several parts deletes through its last part: the batches read for it are a chain, each ending before
        // the next one starts. Their counts add up to exactly what was deleted, or the source is counted afresh.
        var (records, bytes) = (0L, 0L);
        lock (_reads)
        {
            var mine = _reads.Where(r => r.Key.SourceId == sourceId && r.Key.LastSequence <= throughSequence)
                .OrderByDescending(r => r.Key.LastSequence)
                .ToList();
            long? before = null;
            foreach (var (key, batch) in mine)
            {
                // Sequences are not consecutive: each earlier batch is the one ending highest below the start of the later one.
                if (before is null ? key.LastSequence == throughSequence : key.LastSequence < before)
                {
                    records += batch.Records;
                    bytes += batch.Bytes;
                    before = batch.FirstSequence;
                }
                else if (before is null)
                {
                    break;
                }
            }

            foreach (var (key, _) in mine)
            {
                _reads.Remove(key);
            }
        }

        if (deleted == 0 || !_sources.TryGetValue(sourceId, out var state))
        {
            return;
        }

        state.OldestMicroseconds = null;
        if (records == deleted && throughSequence <= state.CountedThrough)
        {
            state.Records -= records;
            state.Bytes -= bytes;
        }
        else
        {
            state.Recount = true;
        }
    }

    public static DateTimeOffset FromEpochMicroseconds(long microseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (microseconds * 10), TimeSpan.Zero);

    /// <summary>The distinct source ids in the buffer, ascending: one index seek per source instead of a scan of every record.</summary>
    private static List<long> SourcesIn(SqliteConnection connection)
    {
        var ids = new List<long>();
        using var next = connection.CreateCommand();
        next.CommandText = "SELECT source_id FROM record_blocks WHERE source_id > $after ORDER BY source_id LIMIT 1";
        var after = next.Parameters.Add("$after", SqliteType.Integer);
        after.Value = long.MinValue;
        while (next.ExecuteScalar() is long id)
        {
            ids.Add(id);
            after.Value = id;
        }

        return ids;
    }

    private sealed class SourceState
    {
        /// <summary>The highest sequence counted so far; records above it are not in the counts yet.</summary>
        public long CountedThrough { get; set; } = long.MinValue;

        public long Records { get; set; }

        public long Bytes { get; set; }

        /// <summary>The receive time of the lowest pending sequence; null when a delete moved it and it must be looked up.</summary>
        public long? OldestMicroseconds { get; set; }

        public long NewestMicroseconds { get; set; } = long.MinValue;

        /// <summary>A delete removed records the counts cannot tell apart: count the source again from scratch.</summary>
        public bool Recount { get; set; }
    }

    private readonly record struct ReadBatch(long FirstSequence, long Records, long Bytes);
}
