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
    public async Task DeleteThroughAsync_LoadedRecords_MoveToTheArchiveInOrderWithHeaders()
    {
        await AppendAsync(1, Stripe, """{"n":1}""", """{"n":2}""");
        var firstReceived = _buffer.Time.GetUtcNow();
        _buffer.Time.Advance(TimeSpan.FromSeconds(1));
        await AppendAsync(1, null, """{"n":3}""", """{"n":4}""");
        await AppendAsync(2, null, """{"other":1}""");
        var pending = await ReadAsync(1);

        Assert.Equal(3, await _buffer.Buffer.DeleteThroughAsync(1, pending[2].Sequence, CancellationToken.None));

        Assert.Equal(["""{"n":4}"""], (await ReadAsync(1)).Select(r => r.Json));
        var archived = await ReadArchivedAsync(1);
        Assert.Equal(["""{"n":1}""", """{"n":2}""", """{"n":3}"""], archived.Select(r => r.Json));
        Assert.Equal(pending.Take(3).Select(r => (r.Sequence, r.ReceivedAt)), archived.Select(r => (r.Sequence, r.ReceivedAt)));
        Assert.Equal(new IReadOnlyDictionary<string, string>?[] { Stripe, Stripe, null }, archived.Select(r => r.Headers));
        Assert.Equal(new ArchiveStats(3, 21, firstReceived), await _buffer.Buffer.GetArchiveAsync(1, CancellationToken.None));
        Assert.Equal(ArchiveStats.Empty, await _buffer.Buffer.GetArchiveAsync(2, CancellationToken.None));
        Assert.Equal(1, (await _buffer.Buffer.GetPendingAsync(CancellationToken.None)).Single(p => p.SourceId == 1).Records);

        // The rest follows it; every archived sequence stays below every pending one.
        Assert.Equal(1, await _buffer.Buffer.DeleteThroughAsync(1, pending[3].Sequence, CancellationToken.None));
        Assert.Equal(pending.Select(r => r.Json), (await ReadArchivedAsync(1)).Select(r => r.Json));
        Assert.Equal(4, (await _buffer.Buffer.GetArchiveAsync(1, CancellationToken.None)).Records);
        Assert.DoesNotContain(await _buffer.Buffer.GetPendingAsync(CancellationToken.None), p => p.SourceId == 1);
    }

    [Fact]
    public async Task ReadArchivedAsync_AfterSequenceAndLimits_AsReadAsync()
    {
        await AppendAsync(1, null, Enumerable.Range(1, 10).Select(n => $$"""{"n":{{n}}}""").ToArray());
        var all = await ReadAsync(1);
        await _buffer.Buffer.DeleteThroughAsync(1, all[^1].Sequence, CancellationToken.None);

        var part = await _buffer.Buffer.ReadArchivedAsync(1, all[2].Sequence, maxRecords: 4, long.MaxValue, CancellationToken.None);
        var small = await _buffer.Buffer.ReadArchivedAsync(1, 0, 100, maxBytes: 15, CancellationToken.None);

        Assert.Equal(all.Skip(3).Take(4).Select(r => r.Json), part.Select(r => r.Json));
        Assert.Equal(2, small.Count); // 7 + 7 bytes, the third would pass 15
    }

    [Fact]
    public async Task SweepArchiveAsync_OnlyBlocksOlderThanTheRetentionGo()
    {
        await AppendAsync(1, null, """{"old":1}""", """{"old":2}""");
        var old = await ReadAsync(1);
        await _buffer.Buffer.DeleteThroughAsync(1, old[^1].Sequence, CancellationToken.None);
        _buffer.Time.Advance(TimeSpan.FromDays(6));
        await AppendAsync(1, null, """{"newer":1}""");
        var newer = await ReadAsync(1);
        await _buffer.Buffer.DeleteThroughAsync(1, newer[^1].Sequence, CancellationToken.None);
        var newerReceived = _buffer.Time.GetUtcNow();

        Assert.Equal(0, await _buffer.Buffer.SweepArchiveAsync(CancellationToken.None));
        _buffer.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(2, await _buffer.Buffer.SweepArchiveAsync(CancellationToken.None));

        Assert.Equal(["""{"newer":1}"""], (await ReadArchivedAsync(1)).Select(r => r.Json));
        Assert.Equal(new ArchiveStats(1, 11, newerReceived), await _buffer.Buffer.GetArchiveAsync(1, CancellationToken.None));
        _buffer.Time.Advance(TimeSpan.FromDays(6));
        Assert.Equal(1, await _buffer.Buffer.SweepArchiveAsync(CancellationToken.None));
        Assert.Equal(ArchiveStats.Empty, await _buffer.Buffer.GetArchiveAsync(1, CancellationToken.None));
    }

    [Fact]
    public async Task SweepArchiveAsync_RecordsLoadedLongAfterTheyArrived_AreKeptForTheRetentionAfterTheLoad()
    {
        await AppendAsync(1, null, """{"late":1}""");
        _buffer.Time.Advance(TimeSpan.FromDays(10)); // e.g. the destination was down
        var late = await ReadAsync(1);
        await _buffer.Buffer.DeleteThroughAsync(1, late[0].Sequence, CancellationToken.None);

        Assert.Equal(0, await _buffer.Buffer.SweepArchiveAsync(CancellationToken.None));
        _buffer.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _buffer.Buffer.SweepArchiveAsync(CancellationToken.None));
    }

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
    public async Task Archive_Reopened_KeepsItsRecordsAndTotals()
    {
        await AppendAsync(1, Stripe, """{"n":1}""", """{"n":2}""");
        var all = await ReadAsync(1);
        await _buffer.Buffer.DeleteThroughAsync(1, all[0].Sequence, CancellationToken.None);

        await _buffer.RestartAsync();
        _buffer.ReopenBuffer();

        Assert.Equal(new ArchiveStats(1, 7, all[0].ReceivedAt), await _buffer.Buffer.GetArchiveAsync(1, CancellationToken.None));
        var archived = Assert.Single(await ReadArchivedAsync(1));
        Assert.Equal(all[0].Sequence, archived.Sequence);
        Assert.Equal(Stripe, archived.Headers);
        Assert.Equal(["""{"n":2}"""], (await ReadAsync(1)).Select(r => r.Json));
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
