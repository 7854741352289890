using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Sluice.Core.Buffering;
using Sluice.Server.Ingestion;
using SQLitePCL;
using static Sluice.Server.Buffering.SqliteNative;

namespace Sluice.Server.Buffering;

/// <summary>
/// The one writer of <c>buffer.db</c>. Requests wait in a bounded queue; the writer takes every request waiting at that
/// moment, assigns their sequences, writes them in one transaction, commits (one fsync) and only then completes them all.
/// A full queue answers <see cref="AppendOutcome.Overloaded"/> at once. On shutdown it drains the queue, then stops.
/// </summary>
/// <remarks>
/// The writer runs on a thread of its own, since it spends most of its time blocked in fsync, and inserts through one
/// prepared SQLite statement: each source's records of a commit go into one block row (<see cref="RecordBlock"/>), their
/// UTF-8 bytes as they were posted (no strings, no re-encoding).
/// </remarks>
public sealed partial class GroupCommitWriter : IHostedService, IDisposable, IIngestWriter
{
    /// <summary>How long a commit waits for the write lock held by another connection (as the buffer's connection timeout).</summary>
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    private const string UpsertMarkSql = """
        INSERT INTO source_sequences (source_id, last_sequence) VALUES (?1, ?2)
        ON CONFLICT (source_id) DO UPDATE SET last_sequence = excluded.last_sequence
        """;

    private readonly BufferDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger<GroupCommitWriter> _logger;
    private readonly int _capacity;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guards _waiting, _closed, _writerIdle and _thread; the writer waits on it (Monitor.Wait) when the queue is empty.
    private readonly object _gate = new();
    private List<PendingAppend> _waiting = [];
    private bool _closed;
    private bool _writerIdle;
    private Thread? _thread;

    private long _commits;
    private long _recordsWritten;
    private volatile Exception? _fault;

    public GroupCommitWriter(BufferDatabase database, IOptions<IngestOptions> options, TimeProvider time, ILogger<GroupCommitWriter> logger)
    {
        _database = database;
        _time = time;
        _logger = logger;
        _capacity = options.Value.QueueCapacity;
    }

    /// <summary>Transactions committed so far; each serves every request that was waiting when it started.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Records committed so far.</summary>
    public long RecordsWritten => Interlocked.Read(ref _recordsWritten);

    /// <summary>Why the writer stopped working, or null while it is healthy.</summary>
    public Exception? Fault => _fault;

    public ValueTask<AppendOutcome> AppendAsync(long sourceId, Utf8Records records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return ValueTask.FromResult(AppendOutcome.Accepted);
        }

        // Cancellation counts only before the records are queued: once queued they are committed, and the caller's
        // buffer must stay untouched until then, so the returned task always waits for the commit.
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingAppend(sourceId, records, _time.GetUtcNow());
        lock (_gate)
        {
            if (_closed || _waiting.Count >= _capacity)
            {
                return ValueTask.FromResult(AppendOutcome.Overloaded);
            }

            _waiting.Add(pending);
            if (_writerIdle)
            {
                _writerIdle = false;
                Monitor.Pulse(_gate);
            }
        }

        return new ValueTask<AppendOutcome>(pending.Completion.Task);
    }

    /// <summary>Appends records given as strings (tests, tools); see <see cref="AppendAsync(long, Utf8Records, CancellationToken)"/>.</summary>
    public ValueTask<AppendOutcome> AppendAsync(long sourceId, IReadOnlyList<string> recordsJson, CancellationToken cancellationToken) =>
        AppendAsync(sourceId, Utf8Records.FromStrings(recordsJson), cancellationToken);

    /// <summary>Starts the writer thread. It is not tied to a cancellation token: it must run, even when a stop follows at once, to commit what is queued.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "Sluice buffer writer" };
                _thread.Start();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Takes no new requests, then waits until everything queued is committed (or until <paramref name="cancellationToken"/> gives up waiting).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        bool started;
        lock (_gate)
        {
            Close();
            started = _thread is not null;
        }

        if (started)
        {
            await _stopped.Task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            Close();
        }
    }

    /// <summary>Takes no new requests; the writer drains what is queued, then ends. Call with <see cref="_gate"/> held.</summary>
    private void Close()
    {
        _closed = true;
        Monitor.PulseAll(_gate);
    }

    private void Run()
    {
        try
        {
            RunWriter();
        }
        catch (Exception ex)
        {
            // Not expected (commit failures are handled per batch), but no queued request may be left hanging.
            Fail(ex);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void RunWriter()
    {
        SqliteConnection connection;
        SequenceAssigner sequences;
        try
        {
            connection = _database.Open();
            sequences = new SequenceAssigner(LoadHighWaterMarks(connection));
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            Fail(ex);
            return;
        }

        using (connection)
        {
            var db = connection.Handle!;
            using var insertBlock = Prepare(db, RecordBlock.InsertSql);
            using var upsertMark = Prepare(db, UpsertMarkSql);
            using var begin = Prepare(db, "BEGIN IMMEDIATE");
            using var commit = Prepare(db, "COMMIT");

            var batch = new List<PendingAppend>();

            // One block per source and commit (RecordBlock), or more when a source's records fill one.
            var blocks = new Dictionary<long, RecordBlock.Builder>();
            var touched = new HashSet<long>();

            // Not cancelled by a token: Close ends the loop once everything queued is committed.
            while (TakeBatch(ref batch))
            {
                try
                {
                    var nowNs = SequenceAssigner.ToEpochNanoseconds(_time.GetUtcNow());
                    var records = 0;
                    Begin(db, begin);
                    var committed = false;
                    try
                    {
                        foreach (var item in batch)
                        {
                            var count = item.Records.Count;
                            var first = sequences.Reserve(item.SourceId, nowNs, count);
                            var receivedAt = ToEpochMicroseconds(item.ReceivedAt);
                            if (!blocks.TryGetValue(item.SourceId, out var block))
                            {
                                blocks[item.SourceId] = block = new RecordBlock.Builder();
                            }

                            touched.Add(item.SourceId);
                            for (var i = 0; i < count; i++)
                            {
                                block.Add(first + i, receivedAt, item.Records[i]);
                                if (block.Full)
                                {
                                    RecordBlock.Insert(db, insertBlock, item.SourceId, block);
                                }
                            }

                            records += count;
                        }

                        foreach (var sourceId in touched)
                        {
                            if (blocks[sourceId].Records > 0)
                            {
                                RecordBlock.Insert(db, insertBlock, sourceId, blocks[sourceId]);
                            }

                            Check(db, raw.sqlite3_bind_int64(upsertMark, 1, sourceId));
                            Check(db, raw.sqlite3_bind_int64(upsertMark, 2, sequences.LastFor(sourceId)!.Value));
                            Step(db, upsertMark);
                        }

                        Step(db, commit);
                        committed = true;
                    }
                    finally
                    {
                        if (!committed)
                        {
                            raw.sqlite3_exec(db, "ROLLBACK");
                        }
                    }

                    Interlocked.Increment(ref _commits);
                    Interlocked.Add(ref _recordsWritten, records);
                    foreach (var item in batch)
                    {
                        item.Completion.TrySetResult(AppendOutcome.Accepted);
                    }
                }
                catch (Exception ex)
                {
                    // Whatever went wrong, every waiting request must hear about it rather than hang.
                    LogCommitFailed(_logger, ex, batch.Count);
                    foreach (var item in batch)
                    {
                        item.Completion.TrySetException(ex);
                    }
                }
                finally
                {
                    batch.Clear();
                    foreach (var sourceId in touched)
                    {
                        blocks[sourceId].Clear();
                    }

                    touched.Clear();
                    if (blocks.Count > 64)
                    {
                        // Builders are kept for the sources that post often, not for every source ever seen.
                        blocks.Clear();
                    }
                }
            }
        }
    }

    /// <summary>
    /// Waits for requests, then swaps every waiting one into <paramref name="batch"/> (which is empty); false once the
    /// writer is closed and nothing is left.
    /// </summary>
    private bool TakeBatch(ref List<PendingAppend> batch)
    {
        lock (_gate)
        {
            while (_waiting.Count == 0)
            {
                if (_closed)
                {
                    return false;
                }

                _writerIdle = true;
                Monitor.Wait(_gate);
            }

            _writerIdle = false;
            (batch, _waiting) = (_waiting, batch);
            return true;
        }
    }

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

    internal static long ToEpochMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private void Fail(Exception ex)
    {
        _fault = ex;
        LogWriterFailed(_logger, ex, _database.FilePath);
        List<PendingAppend> waiting;
        lock (_gate)
        {
            Close();
            waiting = _waiting;
            _waiting = [];
        }

        foreach (var item in waiting)
        {
            item.Completion.TrySetException(ex);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Could not open the buffer {Path}; ingest answers 503 until restarted")]
    private static partial void LogWriterFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Could not commit {Requests} ingest requests to the buffer; they were answered with an error and nothing was acknowledged")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, int requests);

    private sealed class PendingAppend(long sourceId, Utf8Records records, DateTimeOffset receivedAt)
    {
        public long SourceId { get; } = sourceId;

        public Utf8Records Records { get; } = records;

        public DateTimeOffset ReceivedAt { get; } = receivedAt;

        /// <summary>Continuations run on the thread pool, never on the writer thread, which goes straight back to the next commit.</summary>
        public TaskCompletionSource<AppendOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
