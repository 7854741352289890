using Microsoft.Data.Sqlite;
using Sluice.Core.Buffering;
using SQLitePCL;
using static Sluice.Server.Buffering.SqliteNative;

namespace Sluice.Server.Buffering;

/// <summary>
/// The loader's view of <c>buffer.db</c>: read pending records in sequence order, delete through a checkpoint, and what is
/// pending per source (counted incrementally in memory, see <see cref="PendingTracker"/>). One instance per buffer file:
/// records deleted behind its back are only noticed once a source has none left.
/// </summary>
public sealed class SqliteRecordBuffer(BufferDatabase database) : IRecordBuffer
{
    private readonly PendingTracker _pending = new();

    private const string ReadSql = """
        SELECT data FROM record_blocks
        WHERE source_id = ?1 AND last_sequence > ?2
        ORDER BY last_sequence
        """;

    /// <summary>
    /// Reads through one raw prepared statement and copies the records' UTF-8 into a few shared chunks
    /// (<see cref="RecordArena"/>) rather than one array per record: a batch's bytes live until its load commits, and tens of
    /// thousands of small arrays would be copied by every garbage collection on the way.
    /// </summary>
    public async Task<IReadOnlyList<BufferedRecord>> ReadAsync(long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var records = new List<BufferedRecord>(Math.Min(maxRecords, 1024));
        await using var connection = database.Open();
        var db = connection.Handle!;
        Check(db, raw.sqlite3_prepare_v2(db, ReadSql, out var statement));
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
                var block = raw.sqlite3_column_blob(statement, 0);
                var offset = 0;
                while (RecordBlock.TryRead(block, ref offset, out var sequence, out var receivedAt, out var json))
                {
                    if (sequence <= afterSequence)
                    {
                        continue;
                    }

                    if (records.Count > 0 && bytes + json.Length > maxBytes)
                    {
                        full = true;
                        break;
                    }

                    bytes += json.Length;
                    records.Add(new BufferedRecord(sourceId, sequence, FromEpochMicroseconds(receivedAt), arena.Copy(json)));
                    if (records.Count == maxRecords)
                    {
                        full = true;
                        break;
                    }
                }
            }

            if (records.Count > 0)
            {
                _pending.Read(sourceId, records[0].Sequence, records[^1].Sequence, records.Count, bytes);
            }
        }

        return records;
    }

    public async Task<long> DeleteThroughAsync(long sourceId, long throughSequence, CancellationToken cancellationToken)
    {
        await _pending.Gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = database.Open();
            await using var command = connection.CreateCommand();

            // No fsync for deletes: they follow the destination commit, whose checkpoint is what counts. A delete lost in a
            // crash is redone by the next load (SourceLoader drops everything up to the destination's checkpoint first),
            // and the next fsync'd ingest commit makes it durable anyway. Open() sets FULL again for the next user.
            command.CommandText = "PRAGMA synchronous = NORMAL";
            await command.ExecuteNonQueryAsync(cancellationToken);
            var deleted = DeleteThrough(connection, sourceId, throughSequence);
            _pending.Deleted(sourceId, throughSequence, deleted);
            return deleted;
        }
        finally
        {
            _pending.Gate.Release();
        }
    }

    /// <summary>
    /// In one write transaction: drops the source's blocks that end at or before <paramref name="throughSequence"/>, and trims
    /// the block it ends inside of (if any) to the records after it; returns how many records that removed.
    /// </summary>
    private static long DeleteThrough(SqliteConnection connection, long sourceId, long throughSequence)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$source", sourceId);
        command.Parameters.AddWithValue("$through", throughSequence);
        long deleted = 0;
        command.CommandText = "DELETE FROM record_blocks WHERE source_id = $source AND last_sequence <= $through RETURNING records";
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                deleted += reader.GetInt64(0);
            }
        }

        // The block the checkpoint falls inside of (blocks do not overlap: at most one) goes too, and what follows the
        // checkpoint in it is written again as a block of its own, under the same last sequence.
        command.CommandText = """
            DELETE FROM record_blocks
            WHERE source_id = $source AND first_sequence <= $through
              AND last_sequence = (SELECT min(last_sequence) FROM record_blocks WHERE source_id = $source AND last_sequence > $through)
            RETURNING data
            """;
        var kept = new RecordBlock.Builder();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var block = reader.GetFieldValue<byte[]>(0);
                var offset = 0;
                while (RecordBlock.TryRead(block, ref offset, out var sequence, out var receivedAt, out var json))
                {
                    if (sequence <= throughSequence)
                    {
                        deleted++;
                    }
                    else
                    {
                        kept.Add(sequence, receivedAt, json);
                    }
                }
            }
        }

        if (kept.Records > 0)
        {
            var db = connection.Handle!;
            Check(db, raw.sqlite3_prepare_v2(db, RecordBlock.InsertSql, out var insert));
            using (insert)
            {
                RecordBlock.Insert(db, insert, sourceId, kept);
            }
        }

        transaction.Commit();
        return deleted;
    }

    /// <summary>Cheap after the first call: only what arrived since the last call is read (<see cref="PendingTracker"/>).</summary>
    public async Task<IReadOnlyList<PendingSource>> GetPendingAsync(CancellationToken cancellationToken)
    {
        await _pending.Gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = database.Open();
            return _pending.Refresh(connection);
        }
        finally
        {
            _pending.Gate.Release();
        }
    }

    private static DateTimeOffset FromEpochMicroseconds(long microseconds) => PendingTracker.FromEpochMicroseconds(microseconds);

    /// <summary>
    /// Copies of one read's records, packed into 64 KiB chunks (below the large-object threshold, so a chunk is an ordinary
    /// young object that dies with its batch); a record larger than a chunk gets an array of its own. Chunks are never
    /// reused: a record's memory stays valid for as long as anything refers to it.
    /// </summary>
    private sealed class RecordArena
    {
        private const int ChunkSize = 64 * 1024;

        private byte[] _chunk = [];
        private int _used;

        public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length > ChunkSize / 4)
            {
                return bytes.ToArray();
            }

            if (_chunk.Length - _used < bytes.Length)
            {
                _chunk = GC.AllocateUninitializedArray<byte>(ChunkSize);
                _used = 0;
            }

            var memory = _chunk.AsMemory(_used, bytes.Length);
            bytes.CopyTo(memory.Span);
            _used += bytes.Length;
            return memory;
        }
    }
}
