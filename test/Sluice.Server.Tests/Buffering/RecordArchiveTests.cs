using Sluice.Core.Buffering;
using Sluice.Server.Buffering;

namespace Sluice.Server.Tests.Buffering;

/// <summary>The raw archive: loaded records kept for Buffer:Retention, read back, counted and swept, on a fake clock.</summary>
public sealed class RecordArchiveTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Stripe = new() { ["stripe-signature"] = "t=1,v1=abc" };

    private readonly TestBuffer _buffer = new(retention: TimeSpan.FromDays(7));

    public Task InitializeAsync() => _buffer.StartAsync();

    public async Task DisposeAsync() => await _buffer.DisposeAsync();

    [Fact]
    public async Task SweepArchiveAsync_ManyBlocks_SweepsThemAllInChunks()
    {
        // One commit of 1,200 sources' requests: a block each, more than one sweep transaction takes.
        await _buffer.Writer.StopAsync(CancellationToken.None);
        var writer = _buffer.CreateWriter(queueCapacity: 2_000);
        var appends = Enumerable.Range(1, 1_200).Select(n => writer.AppendAsync(n, [$$"""{"n":{{n}}}"""], CancellationToken.None).AsTask()).ToList();
        await writer.StartAsync(CancellationToken.None);
        await Task.WhenAll(appends);
        foreach (var source in await _buffer.Buffer.GetPendingAsync(CancellationToken.None))
        {
            await _buffer.Buffer.DeleteThroughAsync(source.SourceId, long.MaxValue, CancellationToken.None);
        }

        Assert.Equal(1, (await _buffer.Buffer.GetArchiveAsync(1_200, CancellationToken.None)).Records);
        _buffer.Time.Advance(TimeSpan.FromDays(8));

        Assert.Equal(1_200, await _buffer.Buffer.SweepArchiveAsync(CancellationToken.None));
        Assert.Equal(ArchiveStats.Empty, await _buffer.Buffer.GetArchiveAsync(1_200, CancellationToken.None));
        Assert.Equal(0, BlockDataRows(_buffer)); // the swept blocks' bytes went with them
    }

    [Fact]
    public async Task DeleteThroughAsync_RetentionZero_DeletesAsBefore()
    {
        await using var buffer = new TestBuffer(retention: TimeSpan.Zero);
        await buffer.StartAsync();
        Assert.Equal(AppendOutcome.Accepted, await buffer.Writer.AppendAsync(1, ["""{"n":1}""", """{"n":2}""", """{"n":3}"""], Stripe, CancellationToken.None));
        var all = await buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None);

        Assert.Equal(2, await buffer.Buffer.DeleteThroughAsync(1, all[1].Sequence, CancellationToken.None));

        Assert.Equal(["""{"n":3}"""], (await buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None)).Select(r => r.Json));
        Assert.Empty(await buffer.Buffer.ReadArchivedAsync(1, 0, 100, long.MaxValue, CancellationToken.None));
        Assert.Equal(ArchiveStats.Empty, await buffer.Buffer.GetArchiveAsync(1, CancellationToken.None));
        using var connection = buffer.Database.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT (SELECT count(*) FROM archived_blocks) + (SELECT count(*) FROM archive_sources)";
        Assert.Equal(0L, count.ExecuteScalar());
        Assert.Equal(1, BlockDataRows(buffer)); // the trimmed block's bytes, written again; the loaded ones are gone
    }

    [Fact]
    public async Task DeleteThroughAsync_InsideABlock_ArchivesTheLoadedPartAndKeepsNoStaleBytes()
    {
        await AppendAsync(1, Stripe, """{"n":1}""", """{"n":2}""", """{"n":3}""");
        var all = await ReadAsync(1);

        await _buffer.Buffer.DeleteThroughAsync(1, all[1].Sequence, CancellationToken.None);

        Assert.Equal(["""{"n":1}""", """{"n":2}"""], (await ReadArchivedAsync(1)).Select(r => r.Json));
        Assert.Equal(["""{"n":3}"""], (await ReadAsync(1)).Select(r => r.Json));
        Assert.Equal(2, BlockDataRows(_buffer)); // one for the archived part, one for the kept part: the split block's bytes went
    }

    private static long BlockDataRows(TestBuffer buffer)
    {
        using var connection = buffer.Database.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM block_data";
        return (long)count.ExecuteScalar()!;
    }

    private async Task<IReadOnlyList<BufferedRecord>> ReadAsync(long sourceId) =>
        await _buffer.Buffer.ReadAsync(sourceId, 0, 100_000, long.MaxValue, CancellationToken.None);

    private async Task<IReadOnlyList<BufferedRecord>> ReadArchivedAsync(long sourceId) =>
        await _buffer.Buffer.ReadArchivedAsync(sourceId, 0, 100_000, long.MaxValue, CancellationToken.None);

    private async Task AppendAsync(long sourceId, IReadOnlyDictionary<string, string>? headers, params string[] records)
    {
        Assert.Equal(AppendOutcome.Accepted, await _buffer.Writer.AppendAsync(sourceId, records, headers, CancellationToken.None));
    }
}
