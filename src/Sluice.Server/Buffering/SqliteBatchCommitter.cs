using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using static Sluice.Server.Buffering.SqliteNative;

namespace Sluice.Server.Buffering;

/// <summary>
/// The commits of <c>buffer.db</c>'s writer (<see cref="GroupCommitWriter"/>): each assigns the waiting requests' sequences,
/// writes them in one transaction and commits (one fsync, WAL at synchronous=FULL). Holds the writer's connection and
/// prepared statements, its sequences and the block builders it reuses.
/// </summary>
/// <remarks>
/// It inserts through one prepared SQLite statement: each source's records of a commit go into one block row
/// (<see cref="RecordBlock"/>), their UTF-8 bytes as they were posted (no strings, no re-encoding), and a request's kept
/// headers once per run of its records in a block.
/// </remarks>
internal sealed class SqliteBatchCommitter : IBatchCommitter
{
    /// <summary>How long a commit waits for the write lock held by another connection (as the buffer's connection timeout).</summary>
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    private const string UpsertMarkSql = """
        INSERT INTO source_sequences (source_id, last_sequence) VALUES (?1, ?2)
        ON CONFLICT (source_id) DO UPDATE SET last_sequence = excluded.last_sequence
        """;

    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly SequenceAssigner _sequences;
    private readonly sqlite3 _db;
    private readonly RecordBlock.Inserter _insertBlock;
    private readonly sqlite3_stmt _upsertMark;
    private readonly sqlite3_stmt _begin;
    private readonly sqlite3_stmt _commit;

    // One block per source and commit (RecordBlock), or more when a source's records fill one.
    private readonly Dictionary<long, RecordBlock.Builder> _blocks = [];
    private readonly HashSet<long> _touched = [];

    public SqliteBatchCommitter(SqliteConnection connection, TimeProvider time)
    {
        _connection = connection;
        _time = time;
        try
        {
            _sequences = new SequenceAssigner(LoadHighWaterMarks(connection));
            _db = connection.Handle!;
            _insertBlock = new RecordBlock.Inserter(_db);
            _upsertMark = Prepare(_db, UpsertMarkSql);
            _begin = Prepare(_db, "BEGIN IMMEDIATE");
            _commit = Prepare(_db, "COMMIT");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Commit(IReadOnlyList<PendingAppend> batch)
    {
        try
        {
            return Write(batch);
        }
        finally
        {
            foreach (var sourceId in _touched)
            {
                _blocks[sourceId].Clear();
            }

            _touched.Clear();
            if (_blocks.Count > 64)
            {
                // Builders are kept for the sources that post often, not for every source ever seen.
                _blocks.Clear();
            }
        }
    }

    public void Dispose()
    {
        _insertBlock?.Dispose();
        _upsertMark?.Dispose();
        _begin?.Dispose();
        _commit?.Dispose();
        _connection.Dispose();
    }

    private int Write(IReadOnlyList<PendingAppend> batch)
    {
        var nowNs = SequenceAssigner.ToEpochNanoseconds(_time.GetUtcNow());
        var records = 0;
        Begin(_db, _begin);
        var committed = false;
        try
        {
            foreach (var item in batch)
            {
                var count = item.Records.Count;
                var first = _sequences.Reserve(item.SourceId, nowNs, count);
                var receivedAt = ToEpochMicroseconds(item.ReceivedAt);
                if (!_blocks.TryGetValue(item.SourceId, out var block))
                {
                    _blocks[item.SourceId] = block = new RecordBlock.Builder();
                }

                _touched.Add(item.SourceId);
                var headers = item.Headers;
                for (var i = 0; i < count; i++)
                {
                    block.Add(first + i, receivedAt, item.Records[i], headers);
                    if (block.Full)
                    {
                        _insertBlock.Insert(item.SourceId, block);
                    }
                }

                records += count;
            }

            foreach (var sourceId in _touched)
            {
                if (_blocks[sourceId].Records > 0)
                {
                    _insertBlock.Insert(sourceId, _blocks[sourceId]);
                }

                Check(_db, raw.sqlite3_bind_int64(_upsertMark, 1, sourceId));
                Check(_db, raw.sqlite3_bind_int64(_upsertMark, 2, _sequences.LastFor(sourceId)!.Value));
                Step(_db, _upsertMark);
            }

            Step(_db, _commit);
            committed = true;
            return records;
        }
        finally
        {
            if (!committed)
            {
                raw.sqlite3_exec(_db, "ROLLBACK");
            }
        }
    }

    private static long ToEpochMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static sqlite3_stmt Prepare(sqlite3 db, string sql)
    {
        Check(db, raw.sqlite3_prepare_v3(db, sql, raw.SQLITE_PREPARE_PERSISTENT, out var statement));
        return statement;
    }

    /// <summary>
    /// Takes the write lock, retrying every millisecond while another connection (the loader deleting what it loaded)
    /// holds it, for up to <see cref="LockTimeout"/>. Microsoft.Data.Sqlite's own retry sleeps 150 ms at a time, which
    /// every request waiting for this commit would add to its latency.
    /// </summary>
    private static void Begin(sqlite3 db, sqlite3_stmt begin)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var rc = raw.sqlite3_step(begin);
            raw.sqlite3_reset(begin);
            if (rc == raw.SQLITE_DONE)
            {
                return;
            }

            if ((rc & 0xFF) is not (raw.SQLITE_BUSY or raw.SQLITE_LOCKED) || Stopwatch.GetElapsedTime(started) >= LockTimeout)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            Thread.Sleep(1);
        }
    }

    private static Dictionary<long, long> LoadHighWaterMarks(SqliteConnection connection)
    {
        var marks = new Dictionary<long, long>();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT source_id, last_sequence FROM source_sequences";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            marks[reader.GetInt64(0)] = reader.GetInt64(1);
        }

        return marks;
    }
}
