using Microsoft.Extensions.Options;
using Sluice.Core.Buffering;
using Sluice.Server.Buffering;
using Sluice.Server.Hosting;

namespace Sluice.Server.Bench;

/// <summary>
/// The benchmark's durable floor (<c>POST /bench/floor</c>): the same group commit as <see cref="GroupCommitWriter"/>,
/// but each commit is the least any durable store must do, one write of the batch's bytes into a preallocated file
/// (<c>&lt;data-dir&gt;/bench-floor.dat</c>, reused as a ring, as SQLite reuses its WAL) and one fsync. bench/ingest.sh
/// measures it beside the real endpoint, so a run shows how much of the real endpoint's cost is durability on that
/// machine and how much is the buffer. A hosted service that starts its writer only with <c>Sluice:EnableBenchmarkEndpoint</c>
/// (<see cref="BenchOptions"/>); stopping drains it and deletes the file, nothing in it is kept.
/// </summary>
public sealed class DurableFloorWriter : IIngestWriter, IHostedService, IDisposable
{
    /// <summary>The ring's size: about as much as SQLite's WAL holds between checkpoints (1,000 pages of 4 KiB).</summary>
    public const int RingBytes = 8 * 1024 * 1024;

    private readonly GroupCommitWriter _writer;
    private readonly bool _enabled;

    public DurableFloorWriter(
        IOptions<BenchOptions> bench, DataDirectory dataDirectory, IOptions<GroupCommitOptions> options, TimeProvider time, ILogger<DurableFloorWriter> logger)
    {
        _enabled = bench.Value.EnableBenchmarkEndpoint;
        FilePath = Path.Combine(dataDirectory.Root, "bench-floor.dat");
        _writer = new GroupCommitWriter(
            options.Value.QueueCapacity, time, logger, "Sluice bench floor writer", "the benchmark floor file " + FilePath, () => new FileCommitter(FilePath));
    }

    public string FilePath { get; }

    /// <summary>Records committed into the file so far.</summary>
    public long RecordsWritten => _writer.RecordsWritten;

    public ValueTask<AppendOutcome> AppendAsync(long sourceId, Utf8Records records, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken) =>
        _writer.AppendAsync(sourceId, records, headers, cancellationToken);

    /// <summary>Starts the writer (which then creates the file) when the benchmark endpoints are on; otherwise does nothing.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _enabled ? _writer.StartAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Drains what is queued; the writer then closes and deletes the file.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _writer.StopAsync(cancellationToken);

    public void Dispose() => _writer.Dispose();

    private sealed class FileCommitter : IBatchCommitter
    {
        private readonly string _path;
        private readonly FileStream _file;
        private readonly System.Buffers.ArrayBufferWriter<byte> _batch = new(256 * 1024);
        private long _offset;

        public FileCommitter(string path)
        {
            _path = path;
            _file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
            try
            {
                // Written out, not just sized: commits then overwrite allocated blocks, as the WAL's do, and never extend the file.
                RandomAccess.Write(_file.SafeFileHandle, new byte[RingBytes], 0);
                _file.Flush(flushToDisk: true);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public int Commit(IReadOnlyList<PendingAppend> batch)
        {
            _batch.ResetWrittenCount();
            var records = 0;
            foreach (var item in batch)
            {
                for (var i = 0; i < item.Records.Count; i++)
                {
                    System.Buffers.BuffersExtensions.Write(_batch, item.Records[i]);
                }

                records += item.Records.Count;
            }

            var bytes = _batch.WrittenSpan;
            if (bytes.Length > RingBytes)
            {
                bytes = bytes[..RingBytes];
            }

            if (_offset + bytes.Length > RingBytes)
            {
                _offset = 0;
            }

            RandomAccess.Write(_file.SafeFileHandle, bytes, _offset);
            _offset += bytes.Length;
            _file.Flush(flushToDisk: true);
            return records;
        }

        public void Dispose()
        {
            _file.Dispose();
            File.Delete(_path);
        }
    }
}
