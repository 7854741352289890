using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sluice.Core.Buffering;
using Sluice.Server.Buffering;
using Sluice.Server.Buffering.JetStream;
using Sluice.Testing;

namespace Sluice.Server.Tests.Buffering;

/// <summary>
/// The buffer contract against the NATS JetStream buffer on a real <c>nats-server</c> (one per class, a stream, subject
/// prefix and cursor bucket of its own per test), with its ingest writer and its index fed by the real indexer.
/// </summary>
public sealed class JetStreamRecordBufferContractTests(NatsCluster nats) : RecordBufferContract, IClassFixture<NatsCluster>
{
    protected override async Task<IBufferUnderTest> OpenAsync(TimeSpan retention)
    {
        var buffer = new TestJetStreamBuffer(nats, retention);
        await buffer.StartAsync();
        return buffer;
    }
}

/// <summary>A JetStream buffer of its own on <paramref name="nats"/>: connection, index, indexer, reader and writer, on a fake clock.</summary>
public sealed class TestJetStreamBuffer(NatsCluster nats, TimeSpan retention) : IBufferUnderTest
{
    private readonly string _name = "T" + Guid.NewGuid().ToString("N")[..10];
    private readonly List<IAsyncDisposable> _opened = [];
    private JetStreamConnection _connection = null!;
    private JetStreamIndex _index = null!;
    private JetStreamIndexer _indexer = null!;
    private JetStreamRecordBuffer _buffer = null!;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    public IRecordBuffer Buffer => _buffer;

    public JetStreamRecordBuffer JetStreamBuffer => _buffer;

    public JetStreamIngestWriter Writer { get; private set; } = null!;

    public JetStreamOptions Options => new()
    {
        Url = nats.Url,
        Replicas = nats.Replicas,
        Stream = _name,
        SubjectPrefix = "test." + _name,
        CursorBucket = _name + "_cursors",
    };

    public async Task StartAsync()
    {
        await OpenReaderAsync();
        Writer = new JetStreamIngestWriter(_connection, Time, NullLogger<JetStreamIngestWriter>.Instance);
    }

    public async Task<AppendOutcome> AppendAsync(long sourceId, IReadOnlyList<string> records, IReadOnlyDictionary<string, string>? headers)
    {
        var outcome = await Writer.AppendAsync(sourceId, Utf8Records.FromStrings(records), headers, CancellationToken.None);
        if (outcome == AppendOutcome.Accepted)
        {
            await WaitIndexedAsync();
        }

        return outcome;
    }

    /// <summary>Waits until this reader's index holds every message the stream holds.</summary>
    public async Task WaitIndexedAsync()
    {
        var stream = await _connection.JetStream.GetStreamAsync(_name);
        var last = stream.Info.State.LastSeq;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (_index.IndexedThrough < last)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The index reached stream sequence {_index.IndexedThrough}, not {last}, within 10 s.");
            }

            await Task.Delay(5);
        }
    }

    public Task RestartWriterAsync(TimeProvider time)
    {
        Writer = new JetStreamIngestWriter(_connection, time, NullLogger<JetStreamIngestWriter>.Instance);
        return Task.CompletedTask;
    }

    public async Task ReopenAsync()
    {
        await OpenReaderAsync();
        Writer = new JetStreamIngestWriter(_connection, Time, NullLogger<JetStreamIngestWriter>.Instance);
        await WaitIndexedAsync();
    }

    public Task<long> SweepArchiveAsync() => _buffer.SweepArchiveAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _indexer.StopAsync(CancellationToken.None);
        try
        {
            await _connection.JetStream.DeleteStreamAsync(_name);
            await _connection.JetStream.DeleteStreamAsync("KV_" + _name + "_cursors");
        }
        catch (NATS.Client.Core.NatsException)
        {
        }

        foreach (var opened in _opened)
        {
            await opened.DisposeAsync();
        }
    }

    private async Task OpenReaderAsync()
    {
        if (_indexer is not null)
        {
            await _indexer.StopAsync(CancellationToken.None);
        }

        var bufferOptions = Microsoft.Extensions.Options.Options.Create(new BufferOptions { Provider = BufferOptions.Nats, Retention = retention });
        _connection = new JetStreamConnection(Microsoft.Extensions.Options.Options.Create(Options), bufferOptions, TimeProvider.System, NullLogger<JetStreamConnection>.Instance);
        _opened.Add(_connection);
        await _connection.EnsureAsync(CancellationToken.None);
        _index = new JetStreamIndex();
        _indexer = new JetStreamIndexer(_connection, _index, Time, NullLogger<JetStreamIndexer>.Instance);
        await _indexer.StartAsync(CancellationToken.None);
        _buffer = new JetStreamRecordBuffer(_connection, _index, bufferOptions, Time, NullLogger<JetStreamRecordBuffer>.Instance);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!_index.CaughtUp && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }
    }
}
