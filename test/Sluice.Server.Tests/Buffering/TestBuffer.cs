using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sluice.Server.Buffering;

namespace Sluice.Server.Tests.Buffering;

/// <summary>A real buffer.db in a temporary directory with its writer and reader, on a fake clock.</summary>
internal sealed class TestBuffer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly List<GroupCommitWriter> _writers = [];

    /// <param name="retention">The archive's <c>Buffer:Retention</c> (default 7 days, as configured by default).</param>
    public TestBuffer(DateTimeOffset? start = null, int queueCapacity = 1024, TimeSpan? retention = null)
    {
        _directory = Path.Combine(Path.GetTempPath(), "sluice-buffer-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        Time = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        Database = new BufferDatabase(Path.Combine(_directory, "buffer.db"));
        BufferOptions = new BufferOptions { Retention = retention ?? new BufferOptions().Retention };
        Buffer = new SqliteRecordBuffer(Database, Options.Create(BufferOptions), Time);
        Writer = CreateWriter(queueCapacity);
    }

    public FakeTimeProvider Time { get; }

    public BufferDatabase Database { get; }

    public BufferOptions BufferOptions { get; }

    public SqliteRecordBuffer Buffer { get; private set; }

    /// <summary>A new reader on the same file, as after a restart or a crash: nothing it knew in memory is kept.</summary>
    public void ReopenBuffer()
    {
        SqliteConnection.ClearAllPools();
        Buffer = new SqliteRecordBuffer(Database, Options.Create(BufferOptions), Time);
    }

    public GroupCommitWriter Writer { get; private set; }

    public GroupCommitWriter CreateWriter(int queueCapacity = 1024, TimeProvider? time = null)
    {
        var writer = new GroupCommitWriter(
            Database,
            Options.Create(new GroupCommitOptions { QueueCapacity = queueCapacity }),
            time ?? Time,
            NullLogger<GroupCommitWriter>.Instance);
        _writers.Add(writer);
        return writer;
    }

    public async Task StartAsync() => await Writer.StartAsync(CancellationToken.None);

    /// <summary>Stops the current writer and starts a new one on the same file (as a restart would), optionally with another clock.</summary>
    public async Task RestartAsync(TimeProvider? time = null)
    {
        await Writer.StopAsync(CancellationToken.None);
        Writer = CreateWriter(time: time);
        await Writer.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers)
        {
            await writer.StopAsync(CancellationToken.None);
            writer.Dispose();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
