using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using SQLitePCL;
using static Sluice.Server.Buffering.SqliteNative;

namespace Sluice.Server.Buffering;

/// <summary>
/// The records of one source that one commit wrote, kept as one row of <c>block_data</c> that a row of <c>record_blocks</c>
/// (and, once loaded, of <c>archived_blocks</c>) points at: each record as its sequence (int64), its receive time (Unix epoch microseconds, int64), the
/// length of its JSON (int32) with two flags in its top bits, all little-endian, then, when the record's headers are stored
/// here, their encoding, then the JSON's UTF-8 bytes as they were posted; records in sequence order. One row per commit and
/// source instead of one per record makes the buffer's inserts, reads and deletes per row, not per record: deleting
/// 1,000,000 records of 340 bytes costs SQLite ~1.1 s of CPU one row each, ~0.14 s in blocks of 20 and ~0.07 s in blocks of 100.
/// </summary>
/// <remarks>
/// Headers (<see cref="Sluice.Core.Buffering.BufferedRecord.Headers"/>): flag <see cref="HeadersFollow"/> says an encoding
/// follows the record header: its length (int32), then per header the name's and the value's UTF-8, each behind its length
/// (int32). Flag <see cref="SameHeaders"/> says the record has the headers of the record before it in the block, so the
/// records of one request store them once. Without either flag the record has none: blocks written before headers were
/// kept (lengths below 2^30, top bits clear) read exactly as before, and a source that keeps no headers writes that format.
/// </remarks>
internal static class RecordBlock
{
    public const int HeaderSize = 20;

    /// <summary>In the length field: the record's headers are encoded between its header and its JSON.</summary>
    public const uint HeadersFollow = 0x8000_0000;

    /// <summary>In the length field: the record has the same headers as the record before it in the block.</summary>
    public const uint SameHeaders = 0x4000_0000;

    /// <summary>The bits of the length field that hold the JSON's length.</summary>
    private const uint LengthMask = 0x3FFF_FFFF;

    /// <summary>
    /// A block row's records, as a row of <c>block_data</c> that the row points at (<c>data_id</c>), so that archiving a
    /// loaded block moves its small row, not its bytes. Rows written before this have their bytes in <c>data</c> and no
    /// <c>data_id</c>; both read through <see cref="DataColumn"/>.
    /// </summary>
    public const string DataInsertSql = "INSERT INTO block_data (data) VALUES (?1)";

    /// <summary>The one statement that writes a block row (the writer, a delete's trimmed block, an older file's conversion).</summary>
    public const string InsertSql = """
        INSERT INTO record_blocks (source_id, last_sequence, first_sequence, records, bytes, first_received_at, last_received_at, data, data_id)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, x'', last_insert_rowid())
        """;

    /// <summary>The statement that writes an archived block row: as <see cref="InsertSql"/>, and when it was archived (?8).</summary>
    public const string ArchiveInsertSql = """
        INSERT INTO archived_blocks (source_id, last_sequence, first_sequence, records, bytes, first_received_at, last_received_at, data, data_id, archived_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, x'', last_insert_rowid(), ?8)
        """;

    /// <summary>A block row's bytes, wherever they are (in <c>block_data</c>, or in <c>data</c> for rows of an earlier version).</summary>
    public const string DataColumn = "CASE WHEN data_id IS NULL THEN data ELSE (SELECT d.data FROM block_data d WHERE d.id = data_id) END";

    /// <summary>
    /// Writes block rows of one table: the bytes into <c>block_data</c>, then the row pointing at them, with statements
    /// prepared once.
    /// </summary>
    public sealed class Inserter : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _data;
        private readonly sqlite3_stmt _row;

        /// <param name="archive">Rows of <c>archived_blocks</c> (<see cref="ArchiveInsertSql"/>) instead of <c>record_blocks</c>.</param>
        public Inserter(sqlite3 db, bool archive = false)
        {
            _db = db;
            Check(db, raw.sqlite3_prepare_v2(db, DataInsertSql, out _data));
            var rc = raw.sqlite3_prepare_v2(db, archive ? ArchiveInsertSql : InsertSql, out _row);
            if (rc != raw.SQLITE_OK)
            {
                _data.Dispose();
                Check(db, rc);
            }
        }

        /// <summary>Writes <paramref name="block"/> as one row (archived at <paramref name="archivedAtMicroseconds"/> for the archive) and empties it.</summary>
        public void Insert(long sourceId, Builder block, long? archivedAtMicroseconds = null)
        {
            Check(_db, raw.sqlite3_bind_blob(_data, 1, block.Data));
            Step(_db, _data);
            Check(_db, raw.sqlite3_bind_int64(_row, 1, sourceId));
            Check(_db, raw.sqlite3_bind_int64(_row, 2, block.LastSequence));
            Check(_db, raw.sqlite3_bind_int64(_row, 3, block.FirstSequence));
            Check(_db, raw.sqlite3_bind_int64(_row, 4, block.Records));
            Check(_db, raw.sqlite3_bind_int64(_row, 5, block.Bytes));
            Check(_db, raw.sqlite3_bind_int64(_row, 6, block.FirstReceivedAt));
            Check(_db, raw.sqlite3_bind_int64(_row, 7, block.LastReceivedAt));
            if (archivedAtMicroseconds is { } archivedAt)
            {
                Check(_db, raw.sqlite3_bind_int64(_row, 8, archivedAt));
            }

            Step(_db, _row);
            block.Clear();
        }

        public void Dispose()
        {
            _data.Dispose();
            _row.Dispose();
        }
    }

    /// <summary>Reads the record at <paramref name="offset"/> of <paramref name="block"/> and moves past it, skipping its headers; false at the end.</summary>
    /// <exception cref="InvalidDataException">The block ends inside a record (the file was damaged).</exception>
    public static bool TryRead(ReadOnlySpan<byte> block, ref int offset, out long sequence, out long receivedAtMicroseconds, out ReadOnlySpan<byte> json)
    {
        var reader = new Reader(block, offset);
        var read = reader.MoveNext();
        (offset, sequence, receivedAtMicroseconds) = (reader.Offset, reader.Sequence, reader.ReceivedAtMicroseconds);
        json = reader.Json;
        return read;
    }

    /// <summary>Reads a block's records in order; a record's headers are decoded only when asked for, once per request's run.</summary>
    public ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _block;
        private int _headersStart;
        private int _headersLength = -1;
        private IReadOnlyDictionary<string, string>? _decoded;

        public Reader(ReadOnlySpan<byte> block, int offset = 0)
        {
            _block = block;
            Offset = offset;
        }

        /// <summary>Where the next record starts.</summary>
        public int Offset { get; private set; }

        public long Sequence { get; private set; }

        public long ReceivedAtMicroseconds { get; private set; }

        public ReadOnlySpan<byte> Json { get; private set; }

        /// <summary>
        /// The current record's headers, null when it has none. Records that share them (one request's) get the same
        /// instance, which <see cref="Builder.Add"/> recognises to store them once again.
        /// </summary>
        public IReadOnlyDictionary<string, string>? Headers
        {
            get
            {
                if (_headersLength < 0)
                {
                    return null;
                }

                return _decoded ??= DecodeHeaders(_block.Slice(_headersStart, _headersLength));
            }
        }

        /// <summary>Moves to the next record; false at the end.</summary>
        /// <exception cref="InvalidDataException">The block ends inside a record (the file was damaged).</exception>
        public bool MoveNext()
        {
            var offset = Offset;
            if (offset >= _block.Length)
            {
                (Sequence, ReceivedAtMicroseconds) = (0, 0);
                Json = default;
                return false;
            }

            if (_block.Length - offset < HeaderSize)
            {
                throw new InvalidDataException($"A buffer block ends inside a record header at byte {offset} of {_block.Length}.");
            }

            Sequence = BinaryPrimitives.ReadInt64LittleEndian(_block[offset..]);
            ReceivedAtMicroseconds = BinaryPrimitives.ReadInt64LittleEndian(_block[(offset + 8)..]);
            var field = BinaryPrimitives.ReadUInt32LittleEndian(_block[(offset + 16)..]);
            var left = _block.Length - offset - HeaderSize;
            var position = offset + HeaderSize;
            if ((field & HeadersFollow) != 0)
            {
                var headersLength = left >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(_block[position..]) : -1;
                if (headersLength < 0 || headersLength > left - 4)
                {
                    throw new InvalidDataException($"A buffer block's record at byte {offset} says its headers take {headersLength} bytes, but {left - 4} are left.");
                }

                (_headersStart, _headersLength, _decoded) = (position + 4, headersLength, null);
                position += 4 + headersLength;
                left -= 4 + headersLength;
            }
            else if ((field & SameHeaders) != 0)
            {
                if (_headersLength < 0)
                {
                    throw new InvalidDataException($"A buffer block's record at byte {offset} says it has the headers of the record before it, which has none.");
                }
            }
            else
            {
                (_headersLength, _decoded) = (-1, null);
            }

            var length = (int)(field & LengthMask);
            if (length > left)
            {
                throw new InvalidDataException($"A buffer block's record at byte {offset} says {length} bytes, but {left} are left.");
            }

            Json = _block.Slice(position, length);
            Offset = position + length;
            return true;
        }

        private static Dictionary<string, string> DecodeHeaders(ReadOnlySpan<byte> encoded)
        {
            var headers = new Dictionary<string, string>(StringComparer.Ordinal);
            var position = 0;
            while (position < encoded.Length)
            {
                var name = ReadString(encoded, ref position);
                headers[name] = ReadString(encoded, ref position);
            }

            return headers;
        }

        private static string ReadString(ReadOnlySpan<byte> encoded, ref int position)
        {
            var length = encoded.Length - position >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(encoded[position..]) : -1;
            if (length < 0 || length > encoded.Length - position - 4)
            {
                throw new InvalidDataException($"A buffer block's record headers are cut at byte {position} of {encoded.Length}.");
            }

            var text = Encoding.UTF8.GetString(encoded.Slice(position + 4, length));
            position += 4 + length;
            return text;
        }
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

        // The headers of the last record added, so that the next record with the same instance (the same request) refers to them.
        private IReadOnlyDictionary<string, string>? _lastHeaders;

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

        /// <summary>
        /// Adds a record; <paramref name="headers"/> (null or empty: none) are stored with it, or referred to when the record
        /// before it in the block had the same instance.
        /// </summary>
        public void Add(long sequence, long receivedAtMicroseconds, ReadOnlySpan<byte> json, IReadOnlyDictionary<string, string>? headers = null)
        {
            if ((uint)json.Length > LengthMask)
            {
                throw new ArgumentOutOfRangeException(nameof(json), json.Length, "A buffered record holds at most 1 GiB of JSON.");
            }

            if (Records == 0)
            {
                FirstSequence = sequence;
            }

            LastSequence = sequence;
            Records++;
            Bytes += json.Length;
            FirstReceivedAt = Math.Min(FirstReceivedAt, receivedAtMicroseconds);
            LastReceivedAt = Math.Max(LastReceivedAt, receivedAtMicroseconds);
            var field = (uint)json.Length;
            var headersSize = 0;
            if (headers is { Count: > 0 })
            {
                if (Records > 1 && ReferenceEquals(headers, _lastHeaders))
                {
                    field |= SameHeaders;
                }
                else
                {
                    field |= HeadersFollow;
                    headersSize = 4 + EncodedSize(headers);
                }

                _lastHeaders = headers;
            }
            else
            {
                _lastHeaders = null;
            }

            var span = _data.GetSpan(HeaderSize + headersSize + json.Length);
            BinaryPrimitives.WriteInt64LittleEndian(span, sequence);
            BinaryPrimitives.WriteInt64LittleEndian(span[8..], receivedAtMicroseconds);
            BinaryPrimitives.WriteUInt32LittleEndian(span[16..], field);
            if (headersSize > 0)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span[HeaderSize..], headersSize - 4);
                var position = HeaderSize + 4;
                foreach (var (name, value) in headers!)
                {
                    position += WriteString(span[position..], name);
                    position += WriteString(span[position..], value);
                }
            }

            json.CopyTo(span[(HeaderSize + headersSize)..]);
            _data.Advance(HeaderSize + headersSize + json.Length);
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
            _lastHeaders = null;
        }

        private static int EncodedSize(IReadOnlyDictionary<string, string> headers)
        {
            var size = 0;
            foreach (var (name, value) in headers)
            {
                size += 8 + Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
            }

            return size;
        }

        private static int WriteString(Span<byte> span, string text)
        {
            var written = Encoding.UTF8.GetBytes(text, span[4..]);
            BinaryPrimitives.WriteInt32LittleEndian(span, written);
            return 4 + written;
        }
    }
}
