namespace Sluice.Core.Normalization;

/// <summary>
/// The names one table's rows use during one plan, as small integers: every column name and subtable (array) name gets an
/// id the first time it is seen, matched case-insensitively (<see cref="ColumnNamer.Comparer"/>). Rows claim ids instead of
/// strings, which makes detecting two fields that map to one name a pair of array lookups, and lets the table builder index
/// columns by id.
/// </summary>
internal sealed class TableColumns
{
    private readonly Dictionary<string, int> _columns = new(ColumnNamer.Comparer);
    private readonly Dictionary<string, int> _arrays = new(ColumnNamer.Comparer);
    private Claim[] _columnClaims = new Claim[16];
    private Claim[] _arrayClaims = new Claim[4];

    public int ColumnId(string name) => Id(_columns, ref _columnClaims, name);

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
