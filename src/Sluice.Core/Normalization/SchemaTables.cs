using Sluice.Core.Tables;

namespace Sluice.Core.Normalization;

/// <summary>
/// The tables of one source's schema during one plan: which table holds which array (by root table and JSON path), and the
/// <see cref="TableColumns"/> of each. A subtable is named <c>&lt;parent&gt;__&lt;key&gt;</c> (<see cref="ColumnNamer.ClientName"/>
/// of the keys), shortened to 63 bytes when longer; when another array owns that name it gets <c>_2</c>, <c>_3</c>, ...
/// Names are read back from <c>_sluice_columns</c> (<see cref="ColumnMapping.RootTable"/>, <see cref="ColumnMapping.TablePath"/>),
/// so they never change; a table that no mapping names (made before <c>_sluice_columns</c>) is taken over by name.
/// </summary>
internal sealed class SchemaTables
{
    private readonly Dictionary<string, TableSchema> _existing = new(ColumnNamer.Comparer);
    private readonly Dictionary<string, TableColumns> _tables = new(ColumnNamer.Comparer);
    private readonly Dictionary<string, string> _subtables = new(StringComparer.Ordinal);
    private readonly HashSet<string> _owned = new(ColumnNamer.Comparer);

    public SchemaTables(IReadOnlyList<TableSchema> existing)
    {
        foreach (var table in existing)
        {
            if (!_existing.TryAdd(table.Name, table) || table.Mappings.Count == 0)
            {
                continue;
            }

            var mapping = table.Mappings[0];
            _owned.Add(table.Name);
            if (mapping.TablePath is { } path && !ColumnNamer.Comparer.Equals(mapping.RootTable, table.Name))
            {
                _subtables.TryAdd(Key(mapping.RootTable, path), table.Name);
            }
        }
    }

    /// <summary>The root table <paramref name="name"/> (<c>data</c>, or a routed name), routed by <paramref name="routeValue"/>.</summary>
    public TableColumns Root(string name, string? routeValue)
    {
        if (!_tables.TryGetValue(name, out var table))
        {
            var existing = _existing.GetValueOrDefault(name);
            table = new TableColumns(existing?.Name ?? name, existing?.Name ?? name, routeValue, existing);
            _tables.Add(name, table);
            _owned.Add(name);
        }

        return table;
    }

    /// <summary>The subtable of the array at <paramref name="path"/> in <paramref name="parent"/>'s rows.</summary>
    /// <param name="joinedKeys">The array's keys inside the parent's row, joined with <c>__</c>.</param>
    public TableColumns Subtable(TableColumns parent, string path, string joinedKeys)
    {
        var key = Key(parent.RootTable, path);
        if (!_subtables.TryGetValue(key, out var name))
        {
            var candidate = ColumnNamer.Fit(parent.Name + "__" + ColumnNamer.ClientName(joinedKeys), ColumnNamer.MaxTableNameBytes);
            name = candidate;
            for (var n = 2; _owned.Contains(name); n++)
            {
                name = ColumnNamer.Fit(candidate + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture), ColumnNamer.MaxTableNameBytes);
            }

            _subtables.Add(key, name);
            _owned.Add(name);
        }

        if (!_tables.TryGetValue(name, out var table))
        {
            var existing = _existing.GetValueOrDefault(name);
            table = new TableColumns(existing?.Name ?? name, parent.RootTable, path, existing);
            _tables.Add(name, table);
        }

        return table;
    }

    /// <summary>The names and paths of every table met in this plan, by name.</summary>
    public TableColumns? Find(string table) => _tables.GetValueOrDefault(table);

    private static string Key(string root, string path) => root.ToLowerInvariant() + "\0" + path;
}
