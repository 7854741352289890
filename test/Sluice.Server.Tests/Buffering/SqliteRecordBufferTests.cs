using Microsoft.Data.Sqlite;
using Sluice.Server.Buffering;

namespace Sluice.Server.Tests.Buffering;

/// <summary>The IRecordBuffer contract, against the SQLite buffer, fed by the real writer.</summary>
public sealed class SqliteRecordBufferTests : IAsyncLifetime
{
    private readonly TestBuffer _buffer = new();

    public Task InitializeAsync() => _buffer.StartAsync();

    public async Task DisposeAsync() => await _buffer.DisposeAsync();

    // buffer.db keeps each commit's records of a source as one block row: partial deletes, commits of many requests, older files.

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
