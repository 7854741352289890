using System.Text;
using Sluice.Core.Buffering;

namespace Sluice.Server.Buffering;

/// <summary>The loader's view of <c>buffer.db</c>: read pending records in sequence order, delete through a checkpoint.</summary>
public sealed class SqliteRecordBuffer(BufferDatabase database) : IRecordBuffer
{
    public async Task<IReadOnlyList<BufferedRecord>> ReadAsync(long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        var records = new List<BufferedRecord>(Math.Min(maxRecords, 1024));
        await using var connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT sequence, received_at, json FROM records
            WHERE source_id = $source AND sequence > $after
            ORDER BY sequence
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$source", sourceId);
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$limit", maxRecords);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        long bytes = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var json = reader.GetString(2);
            bytes += Encoding.UTF8.GetByteCount(json);
            if (records.Count > 0 && bytes > maxBytes)
            {
                break;
            }

            records.Add(new BufferedRecord(sourceId, reader.GetInt64(0), FromEpochMicroseconds(reader.GetInt64(1)), json));
        }

        return records;
    }

    public async Task<long> DeleteThroughAsync(long sourceId, long throughSequence, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM records WHERE source_id = $source AND sequence <= $through";
        command.Parameters.AddWithValue("$source", sourceId);
        command.Parameters.AddWithValue("$through", throughSequence);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PendingSource>> GetPendingAsync(CancellationToken cancellationToken)
    {
        var pending = new List<PendingSource>();
        await using var connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT source_id, count(*), sum(length(CAST(json AS BLOB))), min(received_at), max(received_at)
            FROM records GROUP BY source_id ORDER BY source_id
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            pending.Add(new PendingSource(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetInt64(2),
                FromEpochMicroseconds(reader.GetInt64(3)),
                FromEpochMicroseconds(reader.GetInt64(4))));
        }

        return pending;
    }

    private static DateTimeOffset FromEpochMicroseconds(long microseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (microseconds * 10), TimeSpan.Zero);
}
