using System.Buffers.Binary;
using System.Text;
using Sluice.Core.Buffering;
using Sluice.Server.Buffering;

namespace Sluice.Server.Tests.Buffering;

/// <summary>Request headers kept with the records in buffer.db's blocks, and blocks written before headers were kept.</summary>
public sealed class RecordHeadersTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> GitHub = new() { ["x-github-event"] = "push", ["x-github-delivery"] = "72d3162e-cc78" };

    private readonly TestBuffer _buffer = new();

    public Task InitializeAsync() => _buffer.StartAsync();

    public async Task DisposeAsync() => await _buffer.DisposeAsync();

    [Fact]
    public async Task ReadAsync_RequestsWithAndWithoutHeadersInOneCommit_EachRecordHasItsRequests()
    {
        // Requests queued while the writer is stopped go into its first commit together, so into one block.
        await _buffer.Writer.StopAsync(CancellationToken.None);
        var writer = _buffer.CreateWriter();
        var ping = new Dictionary<string, string> { ["x-github-event"] = "ping" };
        var appends = new[]
        {
            writer.AppendAsync(1, ["""{"n":1}""", """{"n":2}"""], GitHub, CancellationToken.None).AsTask(),
            writer.AppendAsync(1, ["""{"n":3}"""], CancellationToken.None).AsTask(),
            writer.AppendAsync(1, ["""{"n":4}""", """{"n":5}"""], ping, CancellationToken.None).AsTask(),
            writer.AppendAsync(1, ["""{"n":6}"""], new Dictionary<string, string>(), CancellationToken.None).AsTask(),
        };
        await writer.StartAsync(CancellationToken.None);
        Assert.All(await Task.WhenAll(appends), outcome => Assert.Equal(AppendOutcome.Accepted, outcome));
        Assert.Equal(1, writer.Commits);

        var records = await ReadAllAsync(1);

        Assert.Equal(new IReadOnlyDictionary<string, string>?[] { GitHub, GitHub, null, ping, ping, null }, records.Select(r => r.Headers));
        Assert.Same(records[0].Headers, records[1].Headers); // decoded once per request
    }

    [Fact]
    public async Task Writer_RequestWithoutHeaders_WritesTheFormatOfBeforeHeaders()
    {
        await AppendAsync(1, null, """{"n":1}""", """{"n":22}""");

        var data = BlockData(1);

        Assert.Equal(OldFormatBlock((1, """{"n":1}"""), (2, """{"n":22}""")).Length, data.Length);
        Assert.Equal(7, BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(16)));
        Assert.All(await ReadAllAsync(1), r => Assert.Null(r.Headers));
    }

    [Fact]
    public async Task ReadAsync_BlockWrittenBeforeHeadersWereKept_ReadsWithNoHeaders()
    {
        // A block as buffer.db files already on disk hold it: sequence, receive time, length, JSON; no flags.
        var block = OldFormatBlock((100, """{"old":1}"""), (101, """{"old":2,"t":"é"}"""));
        using (var connection = _buffer.Database.Open())
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO record_blocks (source_id, last_sequence, first_sequence, records, bytes, first_received_at, last_received_at, data) VALUES (9, 101, 100, 2, $bytes, 5000000, 5000000, $data)";
            insert.Parameters.AddWithValue("$bytes", Encoding.UTF8.GetByteCount("""{"old":1}{"old":2,"t":"é"}"""));
            insert.Parameters.AddWithValue("$data", block);
            insert.ExecuteNonQuery();
        }

        var records = await ReadAllAsync(9);

        Assert.Equal(["""{"old":1}""", """{"old":2,"t":"é"}"""], records.Select(r => r.Json));
        Assert.Equal([100L, 101L], records.Select(r => r.Sequence));
        Assert.All(records, r => Assert.Null(r.Headers));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(5), records[0].ReceivedAt);

        // ...and it moves to the archive and back out as it is.
        Assert.Equal(2, await _buffer.Buffer.DeleteThroughAsync(9, 100, CancellationToken.None) + await _buffer.Buffer.DeleteThroughAsync(9, 101, CancellationToken.None));
        var archived = await _buffer.Buffer.ReadArchivedAsync(9, 0, 100, long.MaxValue, CancellationToken.None);
        Assert.Equal(records.Select(r => r.Json), archived.Select(r => r.Json));
    }

    [Fact]
    public void Reader_SameHeadersFlagOnTheFirstRecord_SaysTheBlockIsDamaged()
    {
        var block = OldFormatBlock((1, "{}"));
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(16), 2 | RecordBlock.SameHeaders);

        var error = Assert.Throws<InvalidDataException>(() =>
        {
            var reader = new RecordBlock.Reader(block);
            reader.MoveNext();
        });
        Assert.Contains("headers of the record before it", error.Message, StringComparison.Ordinal);
    }

    private static byte[] OldFormatBlock(params (long Sequence, string Json)[] records)
    {
        var bytes = new List<byte>();
        foreach (var (sequence, json) in records)
        {
            var header = new byte[RecordBlock.HeaderSize];
            var utf8 = Encoding.UTF8.GetBytes(json);
            BinaryPrimitives.WriteInt64LittleEndian(header, sequence);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), 5_000_000);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), utf8.Length);
            bytes.AddRange(header);
            bytes.AddRange(utf8);
        }

        return [.. bytes];
    }

    private byte[] BlockData(long sourceId)
    {
        using var connection = _buffer.Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce((SELECT d.data FROM block_data d WHERE d.id = b.data_id), b.data) FROM record_blocks b WHERE source_id = $source";
        command.Parameters.AddWithValue("$source", sourceId);
        return (byte[])command.ExecuteScalar()!;
    }

    private async Task<IReadOnlyList<BufferedRecord>> ReadAllAsync(long sourceId) =>
        await _buffer.Buffer.ReadAsync(sourceId, 0, 100_000, long.MaxValue, CancellationToken.None);

    private async Task AppendAsync(long sourceId, IReadOnlyDictionary<string, string>? headers, params string[] records)
    {
        Assert.Equal(AppendOutcome.Accepted, await _buffer.Writer.AppendAsync(sourceId, records, headers, CancellationToken.None));
    }
}
