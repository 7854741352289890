using Microsoft.Extensions.Time.Testing;
using Sluice.Core.Buffering;
using Sluice.Server.Buffering;

namespace Sluice.Server.Tests.Buffering;

/// <summary>
/// The buffer contract (<see cref="IRecordBuffer"/> fed by the buffer's own ingest writer, on a fake clock): reads in
/// sequence order within limits, deletes through a checkpoint, pending counts, request headers, the raw archive and its
/// sweep. Runs against every buffer: <see cref="SqliteRecordBufferContractTests"/> and <see cref="JetStreamRecordBufferContractTests"/>.
/// </summary>
public abstract class RecordBufferContract : IAsyncLifetime
{
    protected static readonly Dictionary<string, string> Stripe = new() { ["stripe-signature"] = "t=1,v1=abc" };

    protected static readonly Dictionary<string, string> GitHub = new() { ["x-github-event"] = "push", ["x-github-delivery"] = "72d3162e-cc78" };

    /// <summary>The buffer under test, with the default retention of 7 days.</summary>
    private IBufferUnderTest _buffer = null!;

    /// <summary>A new, empty buffer with <paramref name="retention"/> as <c>Buffer:Retention</c>, its writer started.</summary>
    protected abstract Task<IBufferUnderTest> OpenAsync(TimeSpan retention);

    public virtual async Task InitializeAsync() => _buffer = await OpenAsync(TimeSpan.FromDays(7));

    public virtual async Task DisposeAsync()
    {
        if (_buffer is not null)
        {
            await _buffer.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReadAsync_AfterAppends_ReturnsRecordsInSequenceOrderWithRawJson()
    {
        await AppendAsync(1, """{"n":1}""", """{"n":2,"x":1.50}""");
        _buffer.Time.Advance(TimeSpan.FromMilliseconds(5));
        await AppendAsync(1, """{ "n" : 3 }""");

        var records = await _buffer.Buffer.ReadAsync(1, afterSequence: 0, maxRecords: 100, maxBytes: long.MaxValue, CancellationToken.None);

        Assert.Equal(["""{"n":1}""", """{"n":2,"x":1.50}""", """{ "n" : 3 }"""], records.Select(r => r.Json));
        Assert.All(records, r => Assert.Equal(1, r.SourceId));
        Assert.True(records[0].Sequence < records[1].Sequence && records[1].Sequence < records[2].Sequence);
        Assert.Equal(SequenceAssigner.ToEpochNanoseconds(_buffer.Time.GetUtcNow().AddMilliseconds(-5)), records[0].Sequence);
        Assert.Equal(records[0].Sequence + 1, records[1].Sequence);
        Assert.Equal(_buffer.Time.GetUtcNow().AddMilliseconds(-5), records[0].ReceivedAt);
        Assert.Equal(_buffer.Time.GetUtcNow(), records[2].ReceivedAt);
    }

    [Fact]
    public async Task ReadAsync_AfterSequence_ReturnsOnlyLaterRecordsOfThatSource()
    {
        await AppendAsync(1, """{"n":1}""", """{"n":2}""", """{"n":3}""");
        await AppendAsync(2, """{"other":true}""");
        var all = await _buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None);

        var later = await _buffer.Buffer.ReadAsync(1, all[0].Sequence, 100, long.MaxValue, CancellationToken.None);

        Assert.Equal(["""{"n":2}""", """{"n":3}"""], later.Select(r => r.Json));
    }

    [Fact]
    public async Task ReadAsync_MaxRecords_LimitsTheBatch()
    {
        await AppendAsync(1, """{"n":1}""", """{"n":2}""", """{"n":3}""");

        var records = await _buffer.Buffer.ReadAsync(1, 0, maxRecords: 2, long.MaxValue, CancellationToken.None);

        Assert.Equal(["""{"n":1}""", """{"n":2}"""], records.Select(r => r.Json));
    }

    [Fact]
    public async Task ReadAsync_MaxBytes_StopsBeforeTheRecordThatWouldExceedIt()
    {
        await AppendAsync(1, """{"n":1}""", """{"n":2}""", """{"n":3}""");

        var records = await _buffer.Buffer.ReadAsync(1, 0, 100, maxBytes: 15, CancellationToken.None);

        Assert.Equal(["""{"n":1}""", """{"n":2}"""], records.Select(r => r.Json));
    }

    [Fact]
    public async Task ReadAsync_FirstRecordLargerThanMaxBytes_StillReturnsIt()
    {
        await AppendAsync(1, """{"big":"0123456789"}""", """{"n":2}""");

        var records = await _buffer.Buffer.ReadAsync(1, 0, 100, maxBytes: 4, CancellationToken.None);

        Assert.Equal(["""{"big":"0123456789"}"""], records.Select(r => r.Json));
    }

    [Fact]
    public async Task ReadAsync_ManyRecordsOfMixedSizes_EachKeepsItsExactBytes()
    {
        // Small records share read chunks; records of 20 KB and 100 KB (beyond a chunk) get arrays of their own.
        var sizes = new[] { 1, 300, 17, 20_000, 5, 100_000, 64 * 1024, 42 };
        var expected = Enumerable.Range(0, 400)
            .Select(i => $$"""{"i":{{i}},"pad":"{{new string((char)('a' + (i % 26)), sizes[i % sizes.Length])}}","é":"ü€"}""")
            .ToArray();
        foreach (var chunk in expected.Chunk(50))
        {
            await AppendAsync(1, chunk);
        }

        var records = await _buffer.Buffer.ReadAsync(1, 0, 1000, long.MaxValue, CancellationToken.None);
        GC.Collect(); // the copies must stay valid across collections while the batch is held

        Assert.Equal(expected, records.Select(r => r.Json));
        Assert.Equal(expected.Select(e => System.Text.Encoding.UTF8.GetByteCount(e)), records.Select(r => r.Utf8Json.Length));
    }

    [Fact]
    public async Task DeleteThroughAsync_Checkpoint_RemovesOnlyThatSourceUpToIt()
    {
        await AppendAsync(1, """{"n":1}""", """{"n":2}""", """{"n":3}""");
        await AppendAsync(2, """{"other":true}""");
        var all = await _buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None);

        var deleted = await _buffer.Buffer.DeleteThroughAsync(1, all[1].Sequence, CancellationToken.None);

        Assert.Equal(2, deleted);
        Assert.Equal(["""{"n":3}"""], (await _buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None)).Select(r => r.Json));
        Assert.Single(await _buffer.Buffer.ReadAsync(2, 0, 100, long.MaxValue, CancellationToken.None));
    }

    [Fact]
    public async Task GetPendingAsync_TwoSources_CountsRecordsBytesAndReceiveTimes()
    {
        var first = _buffer.Time.GetUtcNow();
        await AppendAsync(1, """{"n":1}""", """{"é":2}""");
        _buffer.Time.Advance(TimeSpan.FromSeconds(3));
        await AppendAsync(1, """{"n":3}""");
        await AppendAsync(2, """{"other":true}""");

        var pending = await _buffer.Buffer.GetPendingAsync(CancellationToken.None);

        Assert.Equal(
            [new PendingSource(1, 3, 7 + 8 + 7, first, first.AddSeconds(3)), new PendingSource(2, 1, 14, first.AddSeconds(3), first.AddSeconds(3))],
            pending);
    }

    [Fact]
    public async Task GetPendingAsync_AllDeleted_ReturnsNothing()
    {
        await AppendAsync(1, """{"n":1}""");
        await _buffer.Buffer.DeleteThroughAsync(1, long.MaxValue, CancellationToken.None);

        Assert.Empty(await _buffer.Buffer.GetPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetPendingAsync_AppendsAndDeletesBetweenCalls_CountsWhatRemains()
    {
        var first = _buffer.Time.GetUtcNow();
        await AppendAsync(1, """{"n":1}""", """{"n":2}""");
        await _buffer.Buffer.GetPendingAsync(CancellationToken.None);
        _buffer.Time.Advance(TimeSpan.FromSeconds(2));
        await AppendAsync(1, """{"n":33}""");
        var records = await _buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None);

        await _buffer.Buffer.DeleteThroughAsync(1, records[0].Sequence, CancellationToken.None);
        var pending = await _buffer.Buffer.GetPendingAsync(CancellationToken.None);

        Assert.Equal([new PendingSource(1, 2, 7 + 8, first, first.AddSeconds(2))], pending);
    }

    [Fact]
    public async Task GetPendingAsync_ReadBatchDeleted_CountsTheRecordsAfterIt()
    {
        await AppendAsync(1, """{"n":1}""", """{"n":2}""");
        _buffer.Time.Advance(TimeSpan.FromSeconds(1));
        await AppendAsync(1, """{"n":30}""");
        await _buffer.Buffer.GetPendingAsync(CancellationToken.None);
        var batch = await _buffer.Buffer.ReadAsync(1, 0, maxRecords: 2, long.MaxValue, CancellationToken.None);

        await _buffer.Buffer.DeleteThroughAsync(1, batch[^1].Sequence, CancellationToken.None);
        var pending = await _buffer.Buffer.GetPendingAsync(CancellationToken.None);

        Assert.Equal([new PendingSource(1, 1, 8, _buffer.Time.GetUtcNow(), _buffer.Time.GetUtcNow())], pending);
    }

    [Fact]
    public async Task GetPendingAsync_LoadOfSeveralReadBatchesDeleted_CountsOnlyWhatIsLeft()
    {
        await AppendAsync(1, """{"n":1}""", """{"n":2}""", """{"n":3}""", """{"n":4}""", """{"n":5}""");
        await _buffer.Buffer.GetPendingAsync(CancellationToken.None);

        // An attempt that read the first three, then a load of three parts of one record each, plus a read past it.
        await _buffer.Buffer.ReadAsync(1, 0, maxRecords: 3, long.MaxValue, CancellationToken.None);
        long after = 0;
        for (var part = 0; part < 3; part++)
        {
            after = (await _buffer.Buffer.ReadAsync(1, after, maxRecords: 1, long.MaxValue, CancellationToken.None))[0].Sequence;
        }

        await _buffer.Buffer.ReadAsync(1, after, maxRecords: 1, long.MaxValue, CancellationToken.None);
        _buffer.Time.Advance(TimeSpan.FromSeconds(1));
        await AppendAsync(1, """{"n":66}""");

        Assert.Equal(3, await _buffer.Buffer.DeleteThroughAsync(1, after, CancellationToken.None));
        var pending = await _buffer.Buffer.GetPendingAsync(CancellationToken.None);

        Assert.Equal(3, pending.Single().Records);
        Assert.Equal(7 + 7 + 8, pending.Single().Bytes);
        Assert.Equal(_buffer.Time.GetUtcNow(), pending.Single().NewestReceivedAt);
    }

    [Fact]
    public async Task GetPendingAsync_RecordsDeletedBeforeTheyWereCounted_AreNotSubtractedTwice()
    {
        await AppendAsync(1, """{"n":1}""");
        await _buffer.Buffer.GetPendingAsync(CancellationToken.None);
        _buffer.Time.Advance(TimeSpan.FromSeconds(1));
        await AppendAsync(1, """{"n":2}""", """{"n":3}""");
        var records = await _buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None);

        await _buffer.Buffer.DeleteThroughAsync(1, records[1].Sequence, CancellationToken.None);
        var pending = await _buffer.Buffer.GetPendingAsync(CancellationToken.None);

        Assert.Equal([new PendingSource(1, 1, 7, _buffer.Time.GetUtcNow(), _buffer.Time.GetUtcNow())], pending);
    }

    [Fact]
    public async Task AppendAsync_RestartWithClockSetBack_SequencesKeepIncreasing()
    {
        await AppendAsync(1, """{"n":1}""", """{"n":2}""");
        var before = await _buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None);
        await _buffer.Buffer.DeleteThroughAsync(1, before[^1].Sequence, CancellationToken.None);

        await _buffer.RestartWriterAsync(new FakeTimeProvider(_buffer.Time.GetUtcNow().AddHours(-1)));
        await AppendAsync(1, """{"n":3}""");

        var after = await _buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None);
        Assert.Equal(before[^1].Sequence + 1, Assert.Single(after).Sequence);
    }

    [Fact]
    public async Task DeleteThroughAsync_LoadedRecords_MoveToTheArchiveInOrderWithHeaders()
    {
        await AppendWithHeadersAsync(1, Stripe, """{"n":1}""", """{"n":2}""");
        var firstReceived = _buffer.Time.GetUtcNow();
        _buffer.Time.Advance(TimeSpan.FromSeconds(1));
        await AppendWithHeadersAsync(1, null, """{"n":3}""", """{"n":4}""");
        await AppendWithHeadersAsync(2, null, """{"other":1}""");
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
        await AppendWithHeadersAsync(1, null, Enumerable.Range(1, 10).Select(n => $$"""{"n":{{n}}}""").ToArray());
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
        await AppendWithHeadersAsync(1, null, """{"old":1}""", """{"old":2}""");
        var old = await ReadAsync(1);
        await _buffer.Buffer.DeleteThroughAsync(1, old[^1].Sequence, CancellationToken.None);
        _buffer.Time.Advance(TimeSpan.FromDays(6));
        await AppendWithHeadersAsync(1, null, """{"newer":1}""");
        var newer = await ReadAsync(1);
        await _buffer.Buffer.DeleteThroughAsync(1, newer[^1].Sequence, CancellationToken.None);
        var newerReceived = _buffer.Time.GetUtcNow();

        Assert.Equal(0, await _buffer.SweepArchiveAsync());
        _buffer.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(2, await _buffer.SweepArchiveAsync());

        Assert.Equal(["""{"newer":1}"""], (await ReadArchivedAsync(1)).Select(r => r.Json));
        Assert.Equal(new ArchiveStats(1, 11, newerReceived), await _buffer.Buffer.GetArchiveAsync(1, CancellationToken.None));
        _buffer.Time.Advance(TimeSpan.FromDays(6));
        Assert.Equal(1, await _buffer.SweepArchiveAsync());
        Assert.Equal(ArchiveStats.Empty, await _buffer.Buffer.GetArchiveAsync(1, CancellationToken.None));
    }

    [Fact]
    public async Task SweepArchiveAsync_RecordsLoadedLongAfterTheyArrived_AreKeptForTheRetentionAfterTheLoad()
    {
        await AppendWithHeadersAsync(1, null, """{"late":1}""");
        _buffer.Time.Advance(TimeSpan.FromDays(10)); // e.g. the destination was down
        var late = await ReadAsync(1);
        await _buffer.Buffer.DeleteThroughAsync(1, late[0].Sequence, CancellationToken.None);

        Assert.Equal(0, await _buffer.SweepArchiveAsync());
        _buffer.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _buffer.SweepArchiveAsync());
    }

    [Fact]
    public async Task Archive_Reopened_KeepsItsRecordsAndTotals()
    {
        await AppendWithHeadersAsync(1, Stripe, """{"n":1}""", """{"n":2}""");
        var all = await ReadAsync(1);
        await _buffer.Buffer.DeleteThroughAsync(1, all[0].Sequence, CancellationToken.None);

        await _buffer.RestartWriterAsync(_buffer.Time);
        await _buffer.ReopenAsync();

        Assert.Equal(new ArchiveStats(1, 7, all[0].ReceivedAt), await _buffer.Buffer.GetArchiveAsync(1, CancellationToken.None));
        var archived = Assert.Single(await ReadArchivedAsync(1));
        Assert.Equal(all[0].Sequence, archived.Sequence);
        Assert.Equal(Stripe, archived.Headers);
        Assert.Equal(["""{"n":2}"""], (await ReadAsync(1)).Select(r => r.Json));
    }

    [Fact]
    public async Task ReadAsync_RequestWithHeaders_EveryRecordOfItHasThem()
    {
        await AppendWithHeadersAsync(1, GitHub, """{"n":1}""", """{"n":2}""", """{"n":3}""");

        var records = await ReadAllAsync(1);

        Assert.Equal(["""{"n":1}""", """{"n":2}""", """{"n":3}"""], records.Select(r => r.Json));
        Assert.All(records, r => Assert.Equal(GitHub, r.Headers));
    }

    [Fact]
    public async Task DeleteThroughAsync_InsideABlockOfARequestWithHeaders_KeptAndArchivedPartsKeepThem()
    {
        await AppendWithHeadersAsync(1, GitHub, """{"n":1}""", """{"n":2}""", """{"n":3}""");
        var all = await ReadAllAsync(1);

        await _buffer.Buffer.DeleteThroughAsync(1, all[0].Sequence, CancellationToken.None);

        var left = await ReadAllAsync(1);
        Assert.Equal(["""{"n":2}""", """{"n":3}"""], left.Select(r => r.Json));
        Assert.All(left, r => Assert.Equal(GitHub, r.Headers));
        var archived = Assert.Single(await _buffer.Buffer.ReadArchivedAsync(1, 0, 100, long.MaxValue, CancellationToken.None));
        Assert.Equal(GitHub, archived.Headers);
    }

    [Fact]
    public async Task ReadAsync_AfterReopen_HeadersAreStillThere()
    {
        await AppendWithHeadersAsync(1, GitHub, """{"n":1}""", """{"n":2}""");
        await _buffer.RestartWriterAsync(_buffer.Time);

        await _buffer.ReopenAsync();

        Assert.All(await ReadAllAsync(1), r => Assert.Equal(GitHub, r.Headers));
    }

    [Fact]
    public async Task DeleteThroughAsync_InsideARequest_KeepsTheRestWithItsReceiveTimeAndCounts()
    {
        await AppendAsync(1, """{"n":1}""", """{"n":2}""", """{"n":3}""");
        var received = _buffer.Time.GetUtcNow();
        _buffer.Time.Advance(TimeSpan.FromSeconds(3));
        await AppendAsync(1, """{"n":4}""");
        var all = await _buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None);
        Assert.Equal(4, (await _buffer.Buffer.GetPendingAsync(CancellationToken.None)).Single().Records);

        Assert.Equal(1, await _buffer.Buffer.DeleteThroughAsync(1, all[0].Sequence, CancellationToken.None));

        var left = await _buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None);
        Assert.Equal(["""{"n":2}""", """{"n":3}""", """{"n":4}"""], left.Select(r => r.Json));
        Assert.Equal(all.Skip(1).Select(r => r.Sequence), left.Select(r => r.Sequence));
        var pending = (await _buffer.Buffer.GetPendingAsync(CancellationToken.None)).Single();
        Assert.Equal(3, pending.Records);
        Assert.Equal(left.Sum(r => r.Utf8Json.Length), pending.Bytes);
        Assert.Equal(received, pending.OldestReceivedAt);

        // A reader after a checkpoint inside the block gets only what follows it, as after the delete.
        var afterSecond = await _buffer.Buffer.ReadAsync(1, all[1].Sequence, 100, long.MaxValue, CancellationToken.None);
        Assert.Equal(["""{"n":3}""", """{"n":4}"""], afterSecond.Select(r => r.Json));
    }

    [Fact]
    public async Task DeleteThroughAsync_RetentionZero_KeepsNoArchive()
    {
        await using var buffer = await OpenAsync(TimeSpan.Zero);
        Assert.Equal(AppendOutcome.Accepted, await buffer.AppendAsync(1, ["""{"n":1}""", """{"n":2}""", """{"n":3}"""], Stripe));
        var all = await buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None);

        Assert.Equal(2, await buffer.Buffer.DeleteThroughAsync(1, all[1].Sequence, CancellationToken.None));

        Assert.Equal(["""{"n":3}"""], (await buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None)).Select(r => r.Json));
        Assert.Empty(await buffer.Buffer.ReadArchivedAsync(1, 0, 100, long.MaxValue, CancellationToken.None));
        Assert.Equal(ArchiveStats.Empty, await buffer.Buffer.GetArchiveAsync(1, CancellationToken.None));
        Assert.Equal(1, (await buffer.Buffer.GetPendingAsync(CancellationToken.None)).Single().Records);
    }

    private async Task<IReadOnlyList<BufferedRecord>> ReadAsync(long sourceId) =>
        await _buffer.Buffer.ReadAsync(sourceId, 0, 100_000, long.MaxValue, CancellationToken.None);

    private Task<IReadOnlyList<BufferedRecord>> ReadAllAsync(long sourceId) => ReadAsync(sourceId);

    private async Task<IReadOnlyList<BufferedRecord>> ReadArchivedAsync(long sourceId) =>
        await _buffer.Buffer.ReadArchivedAsync(sourceId, 0, 100_000, long.MaxValue, CancellationToken.None);

    private Task AppendAsync(long sourceId, params string[] records) => AppendWithHeadersAsync(sourceId, null, records);

    private async Task AppendWithHeadersAsync(long sourceId, IReadOnlyDictionary<string, string>? headers, params string[] records)
    {
        Assert.Equal(AppendOutcome.Accepted, await _buffer.AppendAsync(sourceId, records, headers));
    }
}

/// <summary>A buffer and its ingest writer as the contract drives them.</summary>
public interface IBufferUnderTest : IAsyncDisposable
{
    FakeTimeProvider Time { get; }

    IRecordBuffer Buffer { get; }

    /// <summary>Appends through the buffer's writer; once accepted, returns only when the buffer's reader can see the records.</summary>
    Task<AppendOutcome> AppendAsync(long sourceId, IReadOnlyList<string> records, IReadOnlyDictionary<string, string>? headers);

    /// <summary>Stops the writer and starts a new one on the same store, on <paramref name="time"/> (as a restart would).</summary>
    Task RestartWriterAsync(TimeProvider time);

    /// <summary>A new reader on the same store, as after a restart or a crash: nothing it knew in memory is kept.</summary>
    Task ReopenAsync();

    /// <summary>One sweep of the raw archive; how many records went.</summary>
    Task<long> SweepArchiveAsync();
}
