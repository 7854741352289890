using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Sluice.Core.Buffering;
using Sluice.Server.Ingestion;

namespace Sluice.Server.Buffering;

/// <summary>
/// The one writer of <c>buffer.db</c>. Requests wait in a bounded queue; the writer takes every request waiting at that
/// moment, assigns their sequences, writes them in one transaction, commits (one fsync) and only then completes them all.
/// A full queue answers <see cref="AppendOutcome.Overloaded"/> at once. On shutdown it drains the queue, then stops.
/// </summary>
public sealed partial class GroupCommitWriter : IHostedService, IDisposable, IIngestWriter
{
    private readonly BufferDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger<GroupCommitWriter> _logger;
    private readonly Channel<PendingAppend> _queue;
    private long _commits;
    private long _recordsWritten;
    private volatile Exception? _fault;
    private Task? _loop;

    public GroupCommitWriter(BufferDatabase database, IOptions<IngestOptions> options, TimeProvider time, ILogger<GroupCommitWriter> logger)
    {
        _database = database;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Transactions committed so far; each serves every request that was waiting when it started.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Records committed so far.</summary>
    public long RecordsWritten => Interlocked.Read(ref _recordsWritten);

    /// <summary>Why the writer stopped working, or null while it is healthy.</summary>
    public Exception? Fault => _fault;

    public ValueTask<AppendOutcome> AppendAsync(long sourceId, IReadOnlyList<string> recordsJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recordsJson);
        if (recordsJson.Count == 0)
        {
            return ValueTask.FromResult(AppendOutcome.Accepted);
        }

        var pending = new PendingAppend(sourceId, recordsJson, _time.GetUtcNow());
        if (!_queue.Writer.TryWrite(pending))
        {
            return ValueTask.FromResult(AppendOutcome.Overloaded);
        }

        return new ValueTask<AppendOutcome>(pending.Completion.Task.WaitAsync(cancellationToken));
    }

    /// <summary>Starts the writer loop. It is not tied to a cancellation token: it must run, even when a stop follows at once, to commit what is queued.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop ??= Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Takes no new requests, then waits until everything queued is committed (or until <paramref name="cancellationToken"/> gives up waiting).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is { } loop)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => _queue.Writer.TryComplete();

    private async Task RunAsync()
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
            using var insertRecord = connection.CreateCommand();
            insertRecord.CommandText = "INSERT INTO records (source_id, sequence, received_at, json) VALUES ($source, $sequence, $received, $json)";
            var recordSource = insertRecord.Parameters.Add("$source", SqliteType.Integer);
            var recordSequence = insertRecord.Parameters.Add("$sequence", SqliteType.Integer);
            var recordReceived = insertRecord.Parameters.Add("$received", SqliteType.Integer);
            var recordJson = insertRecord.Parameters.Add("$json", SqliteType.Text);

            using var upsertMark = connection.CreateCommand();
            upsertMark.CommandText = """
                INSERT INTO source_sequences (source_id, last_sequence) VALUES ($source, $last)
                ON CONFLICT (source_id) DO UPDATE SET last_sequence = excluded.last_sequence
                """;
            var markSource = upsertMark.Parameters.Add("$source", SqliteType.Integer);
            var markLast = upsertMark.Parameters.Add("$last", SqliteType.Integer);

            var batch = new List<PendingAppend>();
            var touched = new HashSet<long>();

            // Not cancelled by stoppingToken: StopAsync completes the queue, and everything queued must still be committed.
            while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
            {
                while (_queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                try
                {
                    var nowNs = SequenceAssigner.ToEpochNanoseconds(_time.GetUtcNow());
                    var records = 0;
                    using (var transaction = connection.BeginTransaction(deferred: false))
                    {
                        insertRecord.Transaction = transaction;
                        upsertMark.Transaction = transaction;
                        foreach (var item in batch)
                        {
                            var first = sequences.Reserve(item.SourceId, nowNs, item.Records.Count);
                            recordSource.Value = item.SourceId;
                            recordReceived.Value = ToEpochMicroseconds(item.ReceivedAt);
                            for (var i = 0; i < item.Records.Count; i++)
                            {
                                recordSequence.Value = first + i;
                                recordJson.Value = item.Records[i];
                                insertRecord.ExecuteNonQuery();
                            }

                            records += item.Records.Count;
                            touched.Add(item.SourceId);
                        }

                        foreach (var sourceId in touched)
                        {
                            markSource.Value = sourceId;
                            markLast.Value = sequences.LastFor(sourceId);
                            upsertMark.ExecuteNonQuery();
                        }

                        transaction.Commit();
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
                    touched.Clear();
                }
            }
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
        _queue.Writer.TryComplete(ex);
        while (_queue.Reader.TryRead(out var item))
        {
            item.Completion.TrySetException(ex);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Could not open the buffer {Path}; ingest answers 503 until restarted")]
    private static partial void LogWriterFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Could not commit {Requests} ingest requests to the buffer; they were answered with an error and nothing was acknowledged")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, int requests);

    private sealed class PendingAppend(long sourceId, IReadOnlyList<string> records, DateTimeOffset receivedAt)
    {
        public long SourceId { get; } = sourceId;

        public IReadOnlyList<string> Records { get; } = records;

        public DateTimeOffset ReceivedAt { get; } = receivedAt;

        public TaskCompletionSource<AppendOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
