using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Sluice.Core.Buffering;
using Sluice.Server.Buffering;

namespace Sluice.Server.Tests.Buffering;

/// <summary>The IRecordBuffer contract, against the SQLite buffer, fed by the real writer.</summary>
public sealed class SqliteRecordBufferTests : IAsyncLifetime
{
    private readonly TestBuffer _buffer = new();

    public Task InitializeAsync() => _buffer.StartAsync();

    public async Task DisposeAsync() => await _buffer.DisposeAsync();

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

        await _buffer.RestartAsync(new FakeTimeProvider(_buffer.Time.GetUtcNow().AddHours(-1)));
        await AppendAsync(1, """{"n":3}""");

        var after = await _buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None);
        Assert.Equal(before[^1].Sequence + 1, Assert.Single(after).Sequence);
    }

    // buffer.db keeps each commit's records of a source as one block row: partial deletes, commits of many requests, older files.

    [Fact]
    public async Task DeleteThroughAsync_InsideABlock_KeepsTheRestWithItsReceiveTimeAndCounts()
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
    public async Task Writer_ManyRequestsInOneCommit_OneBlockPerSourceInSequenceOrder()
    {
        // Requests queued while the writer is stopped go into its first commit together.
        await _buffer.Writer.StopAsync(CancellationToken.None);
        var writer = _buffer.CreateWriter();
        var appends = new List<Task<AppendOutcome>>();
        for (var n = 0; n < 30; n++)
        {
            appends.Add(writer.AppendAsync(n % 3 == 0 ? 2 : 1, [$$"""{"n":{{n}}}"""], CancellationToken.None).AsTask());
        }

        await writer.StartAsync(CancellationToken.None);
        Assert.All(await Task.WhenAll(appends), outcome => Assert.Equal(AppendOutcome.Accepted, outcome));

        Assert.Equal(1, writer.Commits);
        Assert.Equal(2, BlockCount());
        var one = await _buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None);
        var two = await _buffer.Buffer.ReadAsync(2, 0, 100, long.MaxValue, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 30).Where(n => n % 3 != 0).Select(n => $$"""{"n":{{n}}}"""), one.Select(r => r.Json));
        Assert.Equal(Enumerable.Range(0, 30).Where(n => n % 3 == 0).Select(n => $$"""{"n":{{n}}}"""), two.Select(r => r.Json));
        Assert.Equal(one.Select(r => r.Sequence).Order(), one.Select(r => r.Sequence));
    }

    [Fact]
    public async Task Open_FileOfAnEarlierVersion_ConvertsItsRecordsIntoBlocksWithNothingLost()
    {
        var path = Path.Combine(Path.GetTempPath(), "sluice-oldbuffer-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            const long FirstSequence = 1_764_000_000_000_000_000;
            var receivedAt = new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);
            using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                old.Open();
                using var create = old.CreateCommand();
                create.CommandText = """
                    PRAGMA journal_mode = WAL;
                    CREATE TABLE records (source_id INTEGER NOT NULL, sequence INTEGER NOT NULL, received_at INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (source_id, sequence));
                    CREATE TABLE source_sequences (source_id INTEGER PRIMARY KEY, last_sequence INTEGER NOT NULL);
                    """;
                create.ExecuteNonQuery();
                using var transaction = old.BeginTransaction();
                using var insert = old.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO records VALUES ($source, $sequence, $received, $json)";
                var (source, sequence, received, json) = (insert.Parameters.Add("$source", SqliteType.Integer), insert.Parameters.Add("$sequence", SqliteType.Integer), insert.Parameters.Add("$received", SqliteType.Integer), insert.Parameters.Add("$json", SqliteType.Text));
                for (var n = 0; n < 2_500; n++)
                {
                    (source.Value, sequence.Value, received.Value, json.Value) = (n % 5 == 0 ? 7 : 3, FirstSequence + n, (receivedAt.ToUnixTimeMilliseconds() * 1000) + n, $$"""{"n":{{n}},"text":"é"}""");
                    insert.ExecuteNonQuery();
                }

                transaction.Commit();
            }

            SqliteConnection.ClearAllPools();
            var buffer = new SqliteRecordBuffer(new BufferDatabase(path));

            var three = await buffer.ReadAsync(3, 0, 10_000, long.MaxValue, CancellationToken.None);
            var seven = await buffer.ReadAsync(7, 0, 10_000, long.MaxValue, CancellationToken.None);
            Assert.Equal(Enumerable.Range(0, 2_500).Where(n => n % 5 != 0).Select(n => $$"""{"n":{{n}},"text":"é"}"""), three.Select(r => r.Json));
            Assert.Equal(Enumerable.Range(0, 2_500).Where(n => n % 5 == 0).Select(n => FirstSequence + n), seven.Select(r => r.Sequence));
            Assert.Equal(receivedAt.AddTicks(10 * 5), seven[1].ReceivedAt);
            var pending = await buffer.GetPendingAsync(CancellationToken.None);
            Assert.Equal([(3L, 2_000L), (7L, 500L)], pending.Select(p => (p.SourceId, p.Records)));

            await using var check = new SqliteConnection($"Data Source={path};Pooling=False");
            check.Open();
            using var tables = check.CreateCommand();
            tables.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'records'";
            Assert.Equal(0L, tables.ExecuteScalar());
            tables.CommandText = "SELECT count(*) FROM record_blocks WHERE source_id = 3";
            Assert.Equal(8L, tables.ExecuteScalar()); // 2,000 small records in blocks of at most 256
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public async Task Writer_OneLargeRequest_SplitsIntoBlocksOfAtMost256RecordsThatReadBackWhole()
    {
        var posted = Enumerable.Range(0, 1_000).Select(n => $$"""{"n":{{n}}}""").ToArray();
        await AppendAsync(1, posted);

        Assert.Equal(4, BlockCount());
        var read = await _buffer.Buffer.ReadAsync(1, 0, 10_000, long.MaxValue, CancellationToken.None);
        Assert.Equal(posted, read.Select(r => r.Json));
        var part = await _buffer.Buffer.ReadAsync(1, read[299].Sequence, 100, long.MaxValue, CancellationToken.None);
        Assert.Equal(posted.Skip(300).Take(100), part.Select(r => r.Json));
    }

    [Fact]
    public void TryRead_BlockCutInsideARecord_SaysWhere()
    {
        var block = new RecordBlock.Builder();
        block.Add(1, 2, """{"n":1}"""u8);
        var cut = block.Data[..^3].ToArray();

        var offset = 0;
        var error = Assert.Throws<InvalidDataException>(() => RecordBlock.TryRead(cut, ref offset, out _, out _, out _));
        Assert.Contains("says 7 bytes, but 4 are left", error.Message, StringComparison.Ordinal);
    }

    private long BlockCount()
    {
        using var connection = _buffer.Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM record_blocks";
        return (long)command.ExecuteScalar()!;
    }

    private async Task AppendAsync(long sourceId, params string[] records)
    {
        Assert.Equal(AppendOutcome.Accepted, await _buffer.Writer.AppendAsync(sourceId, records, CancellationToken.None));
    }
}
