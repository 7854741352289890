using Sluice.Core.Buffering;

namespace Sluice.Server.Buffering;

/// <summary>
/// The loader's view of <c>buffer.db</c>: read pending records in sequence order, delete through a checkpoint, and what is
/// pending per source (counted incrementally in memory, see <see cref="PendingTracker"/>). One instance per buffer file:
/// records deleted behind its back are only noticed once a source has none left.
/// </summary>
public sealed class SqliteRecordBuffer(BufferDatabase database) : IRecordBuffer
{
    private readonly PendingTracker _pending = new();

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
            // The stored UTF-8 as it is: the planner parses bytes, and the text is decoded only if a rejection needs it.
            var json = reader.GetFieldValue<byte[]>(2);
            if (records.Count > 0 && bytes + json.Length > maxBytes)
            {
                break;
            }

            bytes += json.Length;
            records.Add(new BufferedRecord(sourceId, reader.GetInt64(0), FromEpochMicroseconds(reader.GetInt64(1)), json));
        }

        if (records.Count > 0)
        {
            _pending.Read(sourceId, records[0].Sequence, records[^1].Sequence, records.Count, bytes);
        }

        return records;
    }

    public async Task<long> DeleteThroughAsync(long sourceId, long throughSequence, CancellationToken cancellationToken)
    {
        await _pending.Gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = database.Open();
            await using var command = connection.CreateCommand();

            // No fsync for deletes: they follow the destination commit, whose checkpoint is what counts. A delete lost in a
            // crash is redone by the next load (SourceLoader drops everything up to the destination's checkpoint first),
            // and the next fsync'd ingest commit makes it durable anyway. Open() sets FULL again for the next user.
            command.CommandText = "PRAGMA synchronous = NORMAL";
            await command.ExecuteNonQueryAsync(cancellationToken);
            command.CommandText = "DELETE FROM records WHERE source_id = $source AND sequence <= $through";
            command.Parameters.AddWithValue("$source", sourceId);
            command.Parameters.AddWithValue("$through", throughSequence);
            long deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            _pending.Deleted(sourceId, throughSequence, deleted);
            return deleted;
        }
        finally
        {
            _pending.Gate.Release();
        }
    }

    /// <summary>Cheap after the first call: only what arrived since the last call is read (<see cref="PendingTracker"/>).</summary>
    public async Task<IReadOnlyList<PendingSource>> GetPendingAsync(CancellationToken cancellationToken)
    {
        await _pending.Gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = database.Open();
            return _pending.Refresh(connection);
        }
        finally
        {
            _pending.Gate.Release();
        }
    }

    private static DateTimeOffset FromEpochMicroseconds(long microseconds) => PendingTracker.FromEpochMicroseconds(microseconds);
}
