using Sluice.Core.Buffering;
using Sluice.Core.Tables;

namespace Sluice.Core.Normalization;

/// <summary>
/// One scalar of a record, on its way to a column: the sanitized base name (before any split), its id in the row's table
/// (<see cref="TableColumns"/>) and the JSON type.
/// </summary>
internal readonly record struct FieldValue(string Column, int ColumnId, ColumnType Type, object Value);

/// <summary>
/// One future row of one table, produced from one record: the root row or one array element. Drafts are reused from one
/// batch to the next (<see cref="DraftPool"/>): a batch's drafts all live until its tables are built, so fresh ones would be
/// copied by every garbage collection during planning, and the next batch would allocate them all again.
/// </summary>
internal sealed class RowDraft : IPooled
{
    private const int MaxKeptFieldCapacity = 64;

    private int[] _levels = [];

    public ShreddedRecord Record { get; private set; } = null!;

    public string Table { get; private set; } = null!;

    /// <summary>The array key the table comes from (<c>items</c> for <c>data__items</c>); the root's own name for the root.</summary>
    public string SourceTableName { get; private set; } = null!;

    public string? ParentTable { get; private set; }

    /// <summary>The element's index at each nesting level: <c>_sdc_level_0_id</c>, <c>_sdc_level_1_id</c>, ...</summary>
    public ReadOnlySpan<int> LevelIds => _levels.AsSpan(0, Depth);

    public int Depth { get; private set; }

    public List<FieldValue> Fields { get; } = new(4);

    /// <summary>The row's claim on names in its table (<see cref="TableColumns"/>): unique per row of a plan, never 0.</summary>
    public int Stamp { get; private set; }

    /// <summary>Makes this draft the root row of <paramref name="record"/>.</summary>
    public RowDraft AsRoot(ShreddedRecord record, string table, int stamp)
    {
        Set(record, table, table, parentTable: null, stamp);
        Depth = 0;
        return this;
    }

    /// <summary>Makes this draft element <paramref name="index"/> of an array in <paramref name="parent"/>'s row.</summary>
    public RowDraft AsElement(RowDraft parent, string table, string sourceTableName, int index, int stamp)
    {
        Set(parent.Record, table, sourceTableName, parent.Table, stamp);
        var depth = parent.Depth + 1;
        if (_levels.Length < depth)
        {
            _levels = new int[Math.Max(depth, 4)];
        }

        parent.LevelIds.CopyTo(_levels);
        _levels[depth - 1] = index;
        Depth = depth;
        return this;
    }

    public bool Oversized => Fields.Capacity > MaxKeptFieldCapacity;

    /// <summary>Drops what the draft refers to, so a pooled draft keeps no record or value alive.</summary>
    public void Clear()
    {
        Record = null!;
        Table = null!;
        SourceTableName = null!;
        ParentTable = null;
        Fields.Clear();
    }

    private void Set(ShreddedRecord record, string table, string sourceTableName, string? parentTable, int stamp)
    {
        Clear();
        Record = record;
        Table = table;
        SourceTableName = sourceTableName;
        ParentTable = parentTable;
        Stamp = stamp;
    }
}

/// <summary>
/// The drafts (and shredded records) of one plan at a time, handed back for the next plan when this one is done. At most
/// 131,072 drafts and 16,384 records are kept between plans (enough for 10,000-record batches of nested records, 10-30 MB),
/// so one huge batch does not hold its memory for ever.
/// </summary>
internal sealed class DraftPool
{
    private readonly Pool<RowDraft> _drafts = new(131_072);
    private readonly Pool<ShreddedRecord> _records = new(16_384);

    public ShreddedRecord NextRecord() => _records.Next();

    public RowDraft Next() => _drafts.Next();

    /// <summary>Every draft and record handed out since the last call is free again; none may be used after this.</summary>
    public void Recycle()
    {
        _drafts.Recycle();
        _records.Recycle();
    }

    /// <summary>Items handed out in order and all taken back at once; an item grown past its usual size is not kept.</summary>
    private sealed class Pool<T>(int maxKept)
        where T : class, IPooled, new()
    {
        private readonly List<T> _items = [];
        private int _used;

        public T Next()
        {
            if (_used == _items.Count)
            {
                _items.Add(new T());
            }

            return _items[_used++];
        }

        public void Recycle()
        {
            for (var i = 0; i < _used; i++)
            {
                _items[i].Clear();
                if (_items[i].Oversized)
                {
                    _items[i] = new T();
                }
            }

            if (_items.Count > maxKept)
            {
                _items.RemoveRange(maxKept, _items.Count - maxKept);
                _items.Capacity = maxKept;
            }

            _used = 0;
        }
    }
}

/// <summary>Something <see cref="DraftPool"/> hands out again once cleared.</summary>
internal interface IPooled
{
    /// <summary>Grown past what a usual record needs (its list's capacity), so not worth keeping.</summary>
    bool Oversized { get; }

    /// <summary>Drops everything it refers to.</summary>
    void Clear();
}

/// <summary>A record that passed the record-level rules, as rows per table. Reused from batch to batch like the drafts.</summary>
internal sealed class ShreddedRecord : IPooled
{
    private const int MaxKeptRowCapacity = 64;

    private object? _boxedSequence;

    public BufferedRecord Source { get; private set; } = null!;

    public List<RowDraft> Rows { get; } = [];

    /// <summary>The root table the record was routed to (<c>data</c>, or its <c>table_from</c> table).</summary>
    public string RootTable { get; set; } = null!;

    /// <summary>The root key value: the configured key's value (upsert) or the generated <c>__sdc_primary_key</c> (append).</summary>
    public object? Key { get; set; }

    public ColumnType KeyType { get; set; }

    /// <summary>A composite key's values and types, in key order (SendGrid's <c>event:email:timestamp</c>); null for one key.</summary>
    public object?[]? Keys { get; set; }

    public ColumnType[]? KeyTypes { get; set; }

    /// <summary>The value of key column <paramref name="index"/>.</summary>
    public object? KeyAt(int index) => Keys is null ? Key : Keys[index];

    public DateTime ReceivedAtUtc => Source.ReceivedAt.UtcDateTime;

    /// <summary><see cref="ReceivedAtUtc"/> boxed: shared by every row of the record, and by the records of one request.</summary>
    public object BoxedReceivedAt { get; private set; } = null!;

    /// <summary>Boxed once per record: every row of the record shares it.</summary>
    public object BoxedSequence => _boxedSequence ??= Source.Sequence;

    /// <summary>Makes this the (empty) shredding of <paramref name="source"/>.</summary>
    public ShreddedRecord Reset(BufferedRecord source, object boxedReceivedAt)
    {
        Clear();
        Source = source;
        BoxedReceivedAt = boxedReceivedAt;
        return this;
    }

    public bool Oversized => Rows.Capacity > MaxKeptRowCapacity;

    /// <summary>Drops what the record refers to, so a pooled record keeps nothing alive.</summary>
    public void Clear()
    {
        Source = null!;
        BoxedReceivedAt = null!;
        _boxedSequence = null;
        Rows.Clear();
        RootTable = null!;
        Key = null;
        KeyType = default;
        Keys = null;
        KeyTypes = null;
    }
}
