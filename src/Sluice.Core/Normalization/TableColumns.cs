using Sluice.Core.Tables;

namespace Sluice.Core.Normalization;

/// <summary>
/// The names one table's rows use during one plan, as small integers, and which JSON path owns which name. Every column
/// name and subtable (array) name gets an id the first time it is seen, matched case-insensitively
/// (<see cref="ColumnNamer.Comparer"/>); rows claim ids instead of strings, which makes detecting a key given twice in one
/// object a pair of array lookups, and lets the table builder index columns by id.
/// </summary>
/// <remarks>
/// Naming (DESIGN.md "Table semantics"): a JSON path keeps the column name it got when first seen, read back from
/// <c>_sluice_columns</c> (<see cref="TableSchema.Mappings"/>). A new path gets <see cref="ColumnNamer.ClientName"/> of its
/// keys; when another path owns that name already (in any case: <c>id</c>/<c>ID</c>, <c>+1</c>/<c>-1</c>), it gets the first
/// free of <c>name_2</c>, <c>name_3</c>, ... (shortened to fit). A column of the table that no mapping names (a table made
/// before <c>_sluice_columns</c>) is taken over by the first path whose name it is, as earlier versions did.
/// </remarks>
internal sealed class TableColumns
{
    private readonly Dictionary<string, int> _columns = new(ColumnNamer.Comparer);
    private readonly Dictionary<string, int> _arrays = new(ColumnNamer.Comparer);
    private readonly List<string?> _columnPaths = [];
    private readonly Dictionary<string, string> _baseByPath = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _ownerByBase = new(ColumnNamer.Comparer);
    private Claim[] _columnClaims = new Claim[16];
    private Claim[] _arrayClaims = new Claim[4];

    /// <param name="name">The table's destination name.</param>
    /// <param name="rootTable">The root table it belongs to (itself for a root).</param>
    /// <param name="tablePath">The JSON path of its array (subtables); the routed value or null (roots).</param>
    /// <param name="existing">The table as the destination has it, with its mappings; null when new.</param>
    public TableColumns(string name, string rootTable, string? tablePath, TableSchema? existing)
    {
        Name = name;
        RootTable = rootTable;
        TablePath = tablePath;
        foreach (var mapping in existing?.Mappings ?? [])
        {
            if (mapping.JsonPath is not { } path)
            {
                _ownerByBase.TryAdd(mapping.Column, null);
            }
            else if (ColumnNamer.Comparer.Equals(mapping.Column, ColumnNamer.OverflowColumn))
            {
                // A field kept in _sdc_overflow gets a base of its own again (each its own id and path); the table is full,
                // so the builder puts it back in the overflow under its path.
            }
            else
            {
                var baseName = ColumnNamer.BaseName(mapping.Column);
                _baseByPath.TryAdd(path, baseName);
                _ownerByBase.TryAdd(baseName, path);
            }
        }

        _ownerByBase.TryAdd(ColumnNamer.OverflowColumn, null);
    }

    public string Name { get; }

    public string RootTable { get; }

    public string? TablePath { get; }

    public bool IsRoot => ReferenceEquals(Name, RootTable) || ColumnNamer.Comparer.Equals(Name, RootTable);

    /// <summary>Gives <paramref name="path"/> the name <paramref name="column"/> without any check: the key field, an element's <c>value</c>.</summary>
    public void Reserve(string path, string column)
    {
        _baseByPath[path] = column;
        _ownerByBase[column] = path;
    }

    /// <summary>Marks <paramref name="column"/> as a system column no client path may take (<c>__sdc_primary_key</c>).</summary>
    public void ReserveSystem(string column) => _ownerByBase.TryAdd(column, null);

    /// <summary>
    /// The base column name of the field at <paramref name="path"/> (keys joined with <c>.</c>), whose keys joined with
    /// <c>__</c> are <paramref name="joinedKeys"/>: the recorded one, or a new one by the rules above;
    /// <see cref="ColumnNamer.OverflowColumn"/> when the path was put into the overflow column before.
    /// </summary>
    public string BaseFor(string path, string joinedKeys)
    {
        if (_baseByPath.TryGetValue(path, out var known))
        {
            return known;
        }

        var candidate = ColumnNamer.ClientName(joinedKeys);
        var name = candidate;
        for (var n = 2; _ownerByBase.ContainsKey(name); n++)
        {
            name = ColumnNamer.Fit(candidate + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture), ColumnNamer.MaxColumnNameBytes);
        }

        Reserve(path, name);
        return name;
    }

    /// <summary>The JSON path of column id <paramref name="id"/>; null for system and header columns.</summary>
    public string? PathOf(int id) => id < _columnPaths.Count ? _columnPaths[id] : null;

    public int ColumnId(string name, string? path = null)
    {
        var id = Id(_columns, ref _columnClaims, name);
        while (_columnPaths.Count <= id)
        {
            _columnPaths.Add(null);
        }

        _columnPaths[id] ??= path;
        return id;
    }

    public int ArrayId(string name) => Id(_arrays, ref _arrayClaims, name);

    /// <summary>Claims a column for the row stamped <paramref name="row"/>; false, with the name as first claimed, when taken.</summary>
    public bool TryClaimColumn(int id, int row, string name, out string claimed) => TryClaim(_columnClaims, id, row, name, out claimed);

    /// <summary>Claims a subtable for the row stamped <paramref name="row"/>; false, with the name as first claimed, when taken.</summary>
    public bool TryClaimArray(int id, int row, string name, out string claimed) => TryClaim(_arrayClaims, id, row, name, out claimed);

    private static bool TryClaim(Claim[] claims, int id, int row, string name, out string claimed)
    {
        ref var claim = ref claims[id];
        if (claim.Row == row)
        {
            claimed = claim.Name!;
            return false;
        }

        claim = new Claim(row, name);
        claimed = name;
        return true;
    }

    private static int Id(Dictionary<string, int> ids, ref Claim[] claims, string name)
    {
        if (!ids.TryGetValue(name, out var id))
        {
            id = ids.Count;
            ids.Add(name, id);
            if (id >= claims.Length)
            {
                Array.Resize(ref claims, claims.Length * 2);
            }
        }

        return id;
    }

    /// <summary>Which row (by its stamp, never 0) took the name last, and how that row spelled it.</summary>
    private record struct Claim(int Row, string? Name);
}
