using System.Buffers;
using System.Buffers.Binary;
using SQLitePCL;
using static Sluice.Server.Buffering.SqliteNative;

namespace Sluice.Server.Buffering;

/// <summary>
/// The records of one source that one commit wrote, kept as one row of <c>record_blocks</c>: each record as its sequence
/// (int64), its receive time (Unix epoch microseconds, int64), the length of its JSON (int32), all little-endian, then the
/// JSON's UTF-8 bytes as they were posted; records in sequence order. One row per commit and source instead of one per
/// record makes the buffer's inserts, reads and deletes per row, not per record: deleting 1,000,000 records of 340 bytes
/// costs SQLite ~1.1 s of CPU one row each, ~0.14 s in blocks of 20 and ~0.07 s in blocks of 100.
/// </summary>
internal static class RecordBlock
{
    public const int HeaderSize = 20;

    /// <summary>The one statement that writes a block row (the writer, a delete's trimmed block, an older file's conversion).</summary>
    public const string InsertSql = """
        INSERT INTO record_blocks (source_id, last_sequence, first_sequence, records, bytes, first_received_at, last_received_at, data)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        """;

    /// <summary>Writes <paramref name="block"/> as one row through <paramref name="insert"/> (prepared from <see cref="InsertSql"/>) and empties it.</summary>
    public static void Insert(sqlite3 db, sqlite3_stmt insert, long sourceId, Builder block)
    {
        Check(db, raw.sqlite3_bind_int64(insert, 1, sourceId));
        Check(db, raw.sqlite3_bind_int64(insert, 2, block.LastSequence));
        Check(db, raw.sqlite3_bind_int64(insert, 3, block.FirstSequence));
        Check(db, raw.sqlite3_bind_int64(insert, 4, block.Records));
        Check(db, raw.sqlite3_bind_int64(insert, 5, block.Bytes));
        Check(db, raw.sqlite3_bind_int64(insert, 6, block.FirstReceivedAt));
        Check(db, raw.sqlite3_bind_int64(insert, 7, block.LastReceivedAt));
        Check(db, raw.sqlite3_bind_blob(insert, 8, block.Data));
        Step(db, insert);
        block.Clear();
    }

    /// <summary>Reads the record at <paramref name="offset"/> of <paramref name="block"/> and moves past it; false at the end.</summary>
    /// <exception cref="InvalidDataException">The block ends inside a record (the file was damaged).</exception>
    public static bool TryRead(ReadOnlySpan<byte> block, ref int offset, out long sequence, out long receivedAtMicroseconds, out ReadOnlySpan<byte> json)
    {
        if (offset >= block.Length)
        {
            (sequence, receivedAtMicroseconds) = (0, 0);
            json = default;
            return false;
        }

        if (block.Length - offset < HeaderSize)
        {
            throw new InvalidDataException($"A buffer block ends inside a record header at byte {offset} of {block.Length}.");
        }

        sequence = BinaryPrimitives.ReadInt64LittleEndian(block[offset..]);
        receivedAtMicroseconds = BinaryPrimitives.ReadInt64LittleEndian(block[(offset + 8)..]);
        var length = BinaryPrimitives.ReadInt32LittleEndian(block[(offset + 16)..]);
        if (length < 0 || length > block.Length - offset - HeaderSize)
        {
            throw new InvalidDataException($"A buffer block's record at byte {offset} says {length} bytes, but {block.Length - offset - HeaderSize} are left.");
        }

        json = block.Slice(offset + HeaderSize, length);
        offset += HeaderSize + length;
        return true;
    }

    /// <summary>A block being written: its records' bytes and what the row says about them.</summary>
    public sealed class Builder
    {
        /// <summary>A block grown past this (a commit of large requests) gets a fresh buffer next time, so its memory is not kept.</summary>
        private const int MaxKeptCapacity = 4 * 1024 * 1024;

        /// <summary>Most records in one block; 256 records of ~1 KB, or fewer larger ones (<see cref="MaxBytes"/>).</summary>
        public const int MaxRecords = 256;

        /// <summary>A block is written once it holds this many bytes (or one record larger than that, alone).</summary>
        public const int MaxBytes = 64 * 1024;

        private ArrayBufferWriter<byte> _data = new(16 * 1024);

        public long FirstSequence { get; private set; }

        public long LastSequence { get; private set; }

        public int Records { get; private set; }

        /// <summary>The JSON bytes of its records (without headers), as the pending counts measure them.</summary>
        public long Bytes { get; private set; }

        public long FirstReceivedAt { get; private set; } = long.MaxValue;

        public long LastReceivedAt { get; private set; } = long.MinValue;

        public ReadOnlySpan<byte> Data => _data.WrittenSpan;

        /// <summary>
        /// Whether the block should be written now and the next record start another: blocks stay small enough that a load's
        /// part, which reads a few thousand records and may end inside a block, never reads much more than it uses.
        /// </summary>
        public bool Full => Records >= MaxRecords || _data.WrittenCount >= MaxBytes;

        public void Add(long sequence, long receivedAtMicroseconds, ReadOnlySpan<byte> json)
        {
            if (Records == 0)
            {
                FirstSequence = sequence;
            }

            LastSequence = sequence;
            Records++;
            Bytes += json.Length;
            FirstReceivedAt = Math.Min(FirstReceivedAt, receivedAtMicroseconds);
            LastReceivedAt = Math.Max(LastReceivedAt, receivedAtMicroseconds);
            var span = _data.GetSpan(HeaderSize + json.Length);
            BinaryPrimitives.WriteInt64LittleEndian(span, sequence);
            BinaryPrimitives.WriteInt64LittleEndian(span[8..], receivedAtMicroseconds);
            BinaryPrimitives.WriteInt32LittleEndian(span[16..], json.Length);
            json.CopyTo(span[HeaderSize..]);
            _data.Advance(HeaderSize + json.Length);
        }

        public void Clear()
        {
            if (_data.Capacity > MaxKeptCapacity)
            {
                _data = new ArrayBufferWriter<byte>(16 * 1024);
            }
            else
            {
                _data.ResetWrittenCount();
            }

            (FirstSequence, LastSequence, Records, Bytes) = (0, 0, 0, 0);
            (FirstReceivedAt, LastReceivedAt) = (long.MaxValue, long.MinValue);
        }
    }
}
