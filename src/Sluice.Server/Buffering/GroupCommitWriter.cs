using Microsoft.Extensions.Options;
using Sluice.Core.Buffering;
using Sluice.Server.Operations;

namespace Sluice.Server.Buffering;

/// <summary>
/// The one writer of <c>buffer.db</c>, by group commit: requests wait in a bounded queue; one thread takes every request
/// waiting at that moment, hands them to its store (<see cref="IBatchCommitter"/>, by default
/// <see cref="SqliteBatchCommitter"/>) to write in one durable commit, and only then completes them all. A full queue
/// answers <see cref="AppendOutcome.Overloaded"/> at once. On shutdown it drains the queue, then stops.
/// </summary>
/// <remarks>
/// The writer runs on a thread of its own, since it spends most of its time blocked in fsync. The benchmark's durable
/// floor (<c>Bench/DurableFloorWriter</c>) runs the same queue over a plain file, through the internal constructor.
/// </remarks>
public sealed partial class GroupCommitWriter : IHostedService, IDisposable, IIngestWriter
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _capacity;
    private readonly string _threadName;
    private readonly string _storeName;
    private readonly Func<IBatchCommitter> _openCommitter;
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

    public GroupCommitWriter(BufferDatabase database, IOptions<GroupCommitOptions> options, TimeProvider time, ILogger<GroupCommitWriter> logger)
        : this(
            options.Value.QueueCapacity,
            time,
            logger,
            "Sluice buffer writer",
            "the buffer " + database.FilePath,
            () => new SqliteBatchCommitter(database.Open(), time))
    {
    }

    /// <param name="storeName">What the writer commits into, for its log messages (a file path).</param>
    /// <param name="openCommitter">
    /// Opens the store on the writer thread; an <see cref="IOException"/>, <see cref="UnauthorizedAccessException"/> or
    /// <see cref="Microsoft.Data.Sqlite.SqliteException"/> fails the writer (every request then hears of it).
    /// </param>
    internal GroupCommitWriter(int capacity, TimeProvider time, ILogger logger, string threadName, string storeName, Func<IBatchCommitter> openCommitter)
    {
        _capacity = capacity;
        _time = time;
        _logger = logger;
        _threadName = threadName;
        _storeName = storeName;
        _openCommitter = openCommitter;
    }

    /// <summary>Transactions committed so far; each serves every request that was waiting when it started.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Records committed so far.</summary>
    public long RecordsWritten => Interlocked.Read(ref _recordsWritten);

    /// <summary>Why the writer stopped working, or null while it is healthy.</summary>
    public Exception? Fault => _fault;

    public ValueTask<AppendOutcome> AppendAsync(long sourceId, Utf8Records records, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return ValueTask.FromResult(AppendOutcome.Accepted);
        }

        // Cancellation counts only before the records are queued: once queued they are committed, and the caller's
        // buffer must stay untouched until then, so the returned task always waits for the commit.
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingAppend(sourceId, records, headers is { Count: > 0 } ? headers : null, _time.GetUtcNow(), SluiceTracing.CurrentContext());
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

    /// <summary>Appends records given as strings, without headers (tests, tools); see <see cref="AppendAsync(long, Utf8Records, IReadOnlyDictionary{string, string}?, CancellationToken)"/>.</summary>
    public ValueTask<AppendOutcome> AppendAsync(long sourceId, IReadOnlyList<string> recordsJson, CancellationToken cancellationToken) =>
        AppendAsync(sourceId, Utf8Records.FromStrings(recordsJson), null, cancellationToken);

    /// <summary>Appends records given as strings with their request's headers (tests, tools).</summary>
    public ValueTask<AppendOutcome> AppendAsync(long sourceId, IReadOnlyList<string> recordsJson, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken) =>
        AppendAsync(sourceId, Utf8Records.FromStrings(recordsJson), headers, cancellationToken);

    /// <summary>Starts the writer thread. It is not tied to a cancellation token: it must run, even when a stop follows at once, to commit what is queued.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = _threadName };
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

        GC.SuppressFinalize(this);
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
        IBatchCommitter committer;
        try
        {
            committer = _openCommitter();
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            Fail(ex);
            return;
        }

        using (committer)
        {
            var batch = new List<PendingAppend>();

            // Not cancelled by a token: Close ends the loop once everything queued is committed.
            while (TakeBatch(ref batch))
            {
                using var activity = SluiceTracing.StartCommit(batch);
                try
                {
                    var records = committer.Commit(batch);
                    Interlocked.Increment(ref _commits);
                    Interlocked.Add(ref _recordsWritten, records);
                    activity?.SetTag("sluice.requests", batch.Count);
                    activity?.SetTag("sluice.records", records);
                    foreach (var item in batch)
                    {
                        item.Completion.TrySetResult(AppendOutcome.Accepted);
                    }
                }
                catch (Exception ex)
                {
                    // Whatever went wrong, every waiting request must hear about it rather than hang.
                    activity.Failed(ex);
                    LogCommitFailed(_logger, ex, batch.Count, _storeName);
                    foreach (var item in batch)
                    {
                        item.Completion.TrySetException(ex);
                    }
                }
                finally
                {
                    batch.Clear();
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

    private void Fail(Exception ex)
    {
        _fault = ex;
        LogWriterFailed(_logger, ex, _storeName);
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

    [LoggerMessage(EventId = LogEvents.Buffer.WriterFailed, Level = LogLevel.Error, Message = "Could not open {Store}; ingest answers 503 until restarted")]
    private static partial void LogWriterFailed(ILogger logger, Exception exception, string store);

    [LoggerMessage(EventId = LogEvents.Buffer.CommitFailed, Level = LogLevel.Error, Message = "Could not commit {Requests} ingest requests to {Store}; they were answered with an error and nothing was acknowledged")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, int requests, string store);
}
