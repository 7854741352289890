using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Sluice.Core.Buffering;
using SQLitePCL;
using static Sluice.Server.Buffering.SqliteNative;

namespace Sluice.Server.Buffering;

/// <summary>
/// The loader's view of <c>buffer.db</c>: read pending records in sequence order, move them to the raw archive (or delete
/// them) through a checkpoint, what is pending per source (counted incrementally in memory, see <see cref="PendingTracker"/>),
/// and the archive's records, totals and sweep. One instance per buffer file: records deleted behind its back are only
/// noticed once a source has none left.
/// </summary>
public sealed class SqliteRecordBuffer : IRecordBuffer, IArchiveSweep, IReceivedHistory
{
    /// <summary>Archived blocks deleted per sweep transaction, so a large sweep never holds the write lock ingest waits for long.</summary>
    private const int SweepChunk = 1000;

    private const string PendingReadSql = $"""
        SELECT {RecordBlock.DataColumn} FROM record_blocks
        WHERE source_id = ?1 AND last_sequence > ?2
        ORDER BY last_sequence
        """;

    private const string ArchivedReadSql = $"""
        SELECT {RecordBlock.DataColumn} FROM archived_blocks
        WHERE source_id = ?1 AND last_sequence > ?2
        ORDER BY last_sequence
        """;

    private readonly PendingTracker _pending = new();
    private readonly BufferDatabase _database;
    private readonly TimeSpan _retention;
    private readonly TimeProvider _time;

    public SqliteRecordBuffer(BufferDatabase database, IOptions<BufferOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _database = database;
        _retention = options.Value.Retention;
        _time = time;
    }

    /// <summary>A buffer with the default options (a 7-day archive) on the system clock (tools, benchmarks).</summary>
    public SqliteRecordBuffer(BufferDatabase database)
        : this(database, Options.Create(new BufferOptions()), TimeProvider.System)
    {
    }

    public Task<IReadOnlyList<BufferedRecord>> ReadAsync(long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken) =>
        ReadBlocksAsync(PendingReadSql, track: true, sourceId, afterSequence, maxRecords, maxBytes, cancellationToken);

    public Task<IReadOnlyList<BufferedRecord>> ReadArchivedAsync(long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken) =>
        ReadBlocksAsync(ArchivedReadSql, track: false, sourceId, afterSequence, maxRecords, maxBytes, cancellationToken);

    public async Task<long> DeleteThroughAsync(long sourceId, long throughSequence, CancellationToken cancellationToken)
    {
        await _pending.Gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = _database.Open();
            await using var command = connection.CreateCommand();

            // No fsync for deletes: they follow the destination commit, whose checkpoint is what counts. A delete lost in a
            // crash is redone by the next load (SourceLoader drops everything up to the destination's checkpoint first),
            // and the next fsync'd ingest commit makes it durable anyway. Open() sets FULL again for the next user.
            // The move to the archive is in the same transaction, so a record is always pending or archived, never both.
            command.CommandText = "PRAGMA synchronous = NORMAL";
            await command.ExecuteNonQueryAsync(cancellationToken);
            long? archivedAt = _retention > TimeSpan.Zero ? ToEpochMicroseconds(_time.GetUtcNow()) : null;
            var deleted = DeleteThrough(connection, sourceId, throughSequence, archivedAt);
            _pending.Deleted(sourceId, throughSequence, deleted);
            return deleted;
        }
        finally
        {
            _pending.Gate.Release();
        }
    }

    /// <summary>Cheap after the first call: only what arrived since the last call is read (<see cref="PendingTracker"/>).</summary>
    public async Task<IReadOnlyList<PendingSource>> GetPendingAsync(CancellationToken cancellationToken)
    {
        await _pending.Gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = _database.Open();
            return _pending.Refresh(connection);
        }
        finally
        {
            _pending.Gate.Release();
        }
    }

    /// <summary>Two index lookups: the source's totals row and its first archived block.</summary>
    public async Task<ArchiveStats> GetArchiveAsync(long sourceId, CancellationToken cancellationToken)
    {
        await using var connection = _database.Open();
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$source", sourceId);
        command.CommandText = "SELECT records, bytes FROM archive_sources WHERE source_id = $source";
        long records = 0, bytes = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                (records, bytes) = (reader.GetInt64(0), reader.GetInt64(1));
            }
        }

        // The lowest sequence is the oldest record (unless the clock stepped back), as for the pending ones.
        command.CommandText = "SELECT first_received_at FROM archived_blocks WHERE source_id = $source ORDER BY last_sequence LIMIT 1";
        var oldest = await command.ExecuteScalarAsync(cancellationToken) is long microseconds ? FromEpochMicroseconds(microseconds) : (DateTimeOffset?)null;
        return oldest is null ? ArchiveStats.Empty : new ArchiveStats(records, bytes, oldest);
    }

    /// <summary>
    /// Deletes the archived blocks whose newest record was received, and which were archived, more than
    /// <see cref="BufferOptions.Retention"/> ago (everything archived, when the retention is zero); returns how many records.
    /// </summary>
    public async Task<long> SweepArchiveAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var cutoff = _retention >= now - DateTimeOffset.UnixEpoch ? long.MinValue : ToEpochMicroseconds(now - _retention);
        await using var connection = _database.Open();
        await using (var pragma = connection.CreateCommand())
        {
            // As for deletes: a sweep lost in a crash is done again by the next one.
            pragma.CommandText = "PRAGMA synchronous = NORMAL";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        long swept = 0;
        int blocks;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            (blocks, var records) = SweepChunkOf(connection, cutoff);
            swept += records;
        }
        while (blocks == SweepChunk);

        return swept;
    }

    /// <summary>One transaction of the sweep: up to <see cref="SweepChunk"/> blocks and their totals; returns the blocks and records.</summary>
    private static (int Blocks, long Records) SweepChunkOf(SqliteConnection connection, long cutoff)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$cutoff", cutoff);
        command.Parameters.AddWithValue("$chunk", SweepChunk);
        command.CommandText = """
            DELETE FROM archived_blocks WHERE rowid IN (
                SELECT rowid FROM archived_blocks WHERE archived_at < $cutoff AND last_received_at < $cutoff LIMIT $chunk)
            RETURNING source_id, records, bytes, data_id
            """;
        var blocks = 0;
        var removed = new Dictionary<long, (long Records, long Bytes)>();
        var dataIds = new List<long>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                blocks++;
                if (!reader.IsDBNull(3))
                {
                    dataIds.Add(reader.GetInt64(3));
                }

                var (records, bytes) = removed.GetValueOrDefault(reader.GetInt64(0));
                removed[reader.GetInt64(0)] = (records + reader.GetInt64(1), bytes + reader.GetInt64(2));
            }
        }

        DeleteData(connection, transaction, dataIds);
        foreach (var (sourceId, (records, bytes)) in removed)
        {
            AddToTotals(connection, transaction, sourceId, -records, -bytes);
        }

        transaction.Commit();
        return (blocks, removed.Values.Sum(r => r.Records));
    }

    /// <summary>
    /// Reads through one raw prepared statement and copies the records' UTF-8 into a few shared chunks
    /// (<see cref="RecordArena"/>) rather than one array per record: a batch's bytes live until its load commits, and tens of
    /// thousands of small arrays would be copied by every garbage collection on the way. <paramref name="track"/>: note the
    /// batch for the pending counts (pending records only).
    /// </summary>
    private async Task<IReadOnlyList<BufferedRecord>> ReadBlocksAsync(
        string sql, bool track, long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var records = new List<BufferedRecord>(Math.Min(maxRecords, 1024));
        await using var connection = _database.Open();
        var db = connection.Handle!;
        Check(db, raw.sqlite3_prepare_v2(db, sql, out var statement));
        using (statement)
        {
            Check(db, raw.sqlite3_bind_int64(statement, 1, sourceId));
            Check(db, raw.sqlite3_bind_int64(statement, 2, afterSequence));
            var arena = new RecordArena();
            long bytes = 0;
            var full = false;
            while (!full)
            {
                var rc = raw.sqlite3_step(statement);
                if (rc == raw.SQLITE_DONE)
                {
                    break;
                }

                if (rc != raw.SQLITE_ROW)
                {
                    SqliteException.ThrowExceptionForRC(rc, db);
                }

                // The stored UTF-8 as it is: the planner parses bytes, and the text is decoded only if a rejection needs it.
                var block = new RecordBlock.Reader(raw.sqlite3_column_blob(statement, 0));
                while (block.MoveNext())
                {
                    if (block.Sequence <= afterSequence)
                    {
                        continue;
                    }

                    var json = block.Json;
                    if (records.Count > 0 && bytes + json.Length > maxBytes)
                    {
                        full = true;
                        break;
                    }

                    bytes += json.Length;
                    records.Add(new BufferedRecord(sourceId, block.Sequence, FromEpochMicroseconds(block.ReceivedAtMicroseconds), arena.Copy(json))
                    {
                        Headers = block.Headers,
                    });
                    if (records.Count == maxRecords)
                    {
                        full = true;
                        break;
                    }
                }
            }

            if (track && records.Count > 0)
            {
                _pending.Read(sourceId, records[0].Sequence, records[^1].Sequence, records.Count, bytes);
            }
        }

        return records;
    }

    /// <summary>
    /// In one write transaction: moves the source's blocks that end at or before <paramref name="throughSequence"/> to the
    /// archive (stamped <paramref name="archivedAt"/>; deletes them when it is null), and splits the block it ends inside of
    /// (if any) into the loaded records, archived likewise, and the ones after them, kept; returns how many records left.
    /// </summary>
    private static long DeleteThrough(SqliteConnection connection, long sourceId, long throughSequence, long? archivedAt)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$source", sourceId);
        command.Parameters.AddWithValue("$through", throughSequence);
        command.Parameters.AddWithValue("$archived", archivedAt ?? 0);
        if (archivedAt is not null)
        {
            // Whole blocks move as they are, inside SQLite: only their small rows; the bytes stay in block_data.
            command.CommandText = """
                INSERT INTO archived_blocks (source_id, last_sequence, first_sequence, records, bytes, first_received_at, last_received_at, data, data_id, archived_at)
                SELECT source_id, last_sequence, first_sequence, records, bytes, first_received_at, last_received_at, data, data_id, $archived
                FROM record_blocks WHERE source_id = $source AND last_sequence <= $through
                """;
            command.ExecuteNonQuery();
        }

        long deleted = 0, deletedBytes = 0;
        var dataIds = new List<long>();
        command.CommandText = "DELETE FROM record_blocks WHERE source_id = $source AND last_sequence <= $through RETURNING records, bytes, data_id";
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                deleted += reader.GetInt64(0);
                deletedBytes += reader.GetInt64(1);
                if (archivedAt is null && !reader.IsDBNull(2))
                {
                    dataIds.Add(reader.GetInt64(2));
                }
            }
        }

        // The block the checkpoint falls inside of (blocks do not overlap: at most one) goes too, and what follows the
        // checkpoint in it is written again as a block of its own, under the same last sequence; what it loaded is archived
        // as a block ending at the checkpoint's side.
        command.CommandText = $"""
            SELECT {RecordBlock.DataColumn}, data_id FROM record_blocks
            WHERE source_id = $source AND first_sequence <= $through
              AND last_sequence = (SELECT min(last_sequence) FROM record_blocks WHERE source_id = $source AND last_sequence > $through)
            """;
        var kept = new RecordBlock.Builder();
        var loaded = new RecordBlock.Builder();
        byte[]? straddling = null;
        using (var reader = command.ExecuteReader())
        {
            if (reader.Read())
            {
                straddling = reader.GetFieldValue<byte[]>(0);
                if (!reader.IsDBNull(1))
                {
                    dataIds.Add(reader.GetInt64(1));
                }
            }
        }

        if (straddling is not null)
        {
            command.CommandText = """
                DELETE FROM record_blocks
                WHERE source_id = $source AND first_sequence <= $through
                  AND last_sequence = (SELECT min(last_sequence) FROM record_blocks WHERE source_id = $source AND last_sequence > $through)
                """;
            command.ExecuteNonQuery();
            var block = new RecordBlock.Reader(straddling);
            while (block.MoveNext())
            {
                if (block.Sequence > throughSequence)
                {
                    kept.Add(block.Sequence, block.ReceivedAtMicroseconds, block.Json, block.Headers);
                }
                else if (archivedAt is not null)
                {
                    loaded.Add(block.Sequence, block.ReceivedAtMicroseconds, block.Json, block.Headers);
                }
                else
                {
                    deleted++;
                }
            }
        }

        DeleteData(connection, transaction, dataIds);
        var db = connection.Handle!;
        if (kept.Records > 0)
        {
            using var insert = new RecordBlock.Inserter(db);
            insert.Insert(sourceId, kept);
        }

        if (loaded.Records > 0)
        {
            (deleted, deletedBytes) = (deleted + loaded.Records, deletedBytes + loaded.Bytes);
            using var archive = new RecordBlock.Inserter(db, archive: true);
            archive.Insert(sourceId, loaded, archivedAt);
        }

        if (archivedAt is not null && deleted > 0)
        {
            AddToTotals(connection, transaction, sourceId, deleted, deletedBytes);
        }

        transaction.Commit();
        return deleted;
    }

    /// <summary>Deletes the <c>block_data</c> rows of block rows deleted for good.</summary>
    private static void DeleteData(SqliteConnection connection, SqliteTransaction transaction, List<long> dataIds)
    {
        if (dataIds.Count == 0)
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM block_data WHERE id = $id";
        var id = command.Parameters.Add("$id", SqliteType.Integer);
        command.Prepare();
        foreach (var dataId in dataIds)
        {
            id.Value = dataId;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Adds to (or, negative, takes from) a source's archive totals; a source left with none loses its row.</summary>
    private static void AddToTotals(SqliteConnection connection, SqliteTransaction transaction, long sourceId, long records, long bytes)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$source", sourceId);
        command.Parameters.AddWithValue("$records", records);
        command.Parameters.AddWithValue("$bytes", bytes);
        command.CommandText = """
            INSERT INTO archive_sources (source_id, records, bytes) VALUES ($source, $records, $bytes)
            ON CONFLICT (source_id) DO UPDATE SET records = records + excluded.records, bytes = bytes + excluded.bytes;
            DELETE FROM archive_sources WHERE source_id = $source AND records <= 0;
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Per source, one grouped read of its pending and archived block rows (not their data) received since <paramref name="since"/>;
    /// a block (one group commit) counts in the minute of its first record. Sequences are epoch nanoseconds no lower than the
    /// receive time, so the primary key's range narrows the read to the window.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedCount>> GetReceivedAsync(IReadOnlyCollection<long> sourceIds, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourceIds);
        var counts = new List<ReceivedCount>();
        if (sourceIds.Count == 0)
        {
            return counts;
        }

        await using var connection = _database.Open();
        await using var command = connection.CreateCommand();
        var microseconds = ToEpochMicroseconds(since);
        command.Parameters.AddWithValue("$since", microseconds);
        command.Parameters.AddWithValue("$sequence", microseconds * 1000);
        var source = command.Parameters.Add("$source", SqliteType.Integer);
        command.CommandText = """
            SELECT first_received_at / 60000000 AS minute, sum(records) FROM (
                SELECT first_received_at, records FROM record_blocks WHERE source_id = $source AND last_sequence >= $sequence AND first_received_at >= $since
                UNION ALL
                SELECT first_received_at, records FROM archived_blocks WHERE source_id = $source AND last_sequence >= $sequence AND first_received_at >= $since)
            GROUP BY minute ORDER BY minute
            """;
        foreach (var id in sourceIds)
        {
            source.Value = id;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts.Add(new ReceivedCount(id, DateTimeOffset.UnixEpoch.AddMinutes(reader.GetInt64(0)), reader.GetInt64(1)));
            }
        }

        return counts;
    }

    /// <summary>Reads the source's newest blocks, pending ones first, then archived ones, until <paramref name="limit"/> records.</summary>
    public async Task<IReadOnlyList<BufferedRecord>> GetNewestAsync(long sourceId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var newest = new List<BufferedRecord>(limit);
        await using var connection = _database.Open();
        foreach (var table in new[] { "record_blocks", "archived_blocks" })
        {
            await using var command = connection.CreateCommand();
            command.Parameters.AddWithValue("$source", sourceId);
            command.Parameters.AddWithValue("$limit", limit);
            command.CommandText = $"SELECT {RecordBlock.DataColumn} FROM {table} WHERE source_id = $source ORDER BY last_sequence DESC LIMIT $limit";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (newest.Count < limit && await reader.ReadAsync(cancellationToken))
            {
                var records = ReadBlock(sourceId, reader.GetFieldValue<byte[]>(0));
                records.Reverse();
                newest.AddRange(records.Take(limit - newest.Count));
            }

            if (newest.Count == limit)
            {
                break;
            }
        }

        return newest;
    }

    private static List<BufferedRecord> ReadBlock(long sourceId, byte[] data)
    {
        var records = new List<BufferedRecord>();
        var block = new RecordBlock.Reader(data);
        while (block.MoveNext())
        {
            records.Add(new BufferedRecord(sourceId, block.Sequence, FromEpochMicroseconds(block.ReceivedAtMicroseconds), block.Json.ToArray()) { Headers = block.Headers });
        }

        return records;
    }

    private static DateTimeOffset FromEpochMicroseconds(long microseconds) => PendingTracker.FromEpochMicroseconds(microseconds);

    private static long ToEpochMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
}
