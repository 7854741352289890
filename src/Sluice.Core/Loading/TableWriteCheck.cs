using Sluice.Core.Tables;

namespace Sluice.Core.Loading;

/// <summary>
/// Checks a <see cref="TableWrite"/> against the destination's tables before any row moves, so a malformed load fails
/// with a message naming the table and column instead of an engine error halfway through.
/// </summary>
public static class TableWriteCheck
{
    /// <summary>The table <paramref name="write"/> targets, after checking its columns, keys and sequence.</summary>
    public static TableSchema Target(string schema, IReadOnlyDictionary<string, TableSchema> tables, TableWrite write)
    {
        if (!tables.TryGetValue(write.Table, out var table))
        {
            throw new InvalidOperationException($"The load writes to table \"{schema}\".\"{write.Table}\", which does not exist.");
        }

        foreach (var column in write.Columns)
        {
            var existing = table.Find(column.Name)
                ?? throw new InvalidOperationException($"The load writes column \"{column.Name}\" of \"{schema}\".\"{write.Table}\", which has no such column.");
            if (existing.Type != column.Type)
            {
                throw new InvalidOperationException(
                    $"The load writes {column.Type} values into column \"{column.Name}\" of \"{schema}\".\"{write.Table}\", which is {existing.Type}.");
            }
        }

        if (write.Mode == WriteMode.Upsert)
        {
            if (write.Columns.All(c => c.Name != LoadSql.SequenceColumn))
            {
                throw new InvalidOperationException($"An upsert into \"{schema}\".\"{write.Table}\" needs the {LoadSql.SequenceColumn} column.");
            }

            var keys = write.IsRoot ? write.KeyColumns : write.ParentKeyColumns.Select(p => p.Key).ToList();
            if (keys.Count == 0 || keys.Any(k => write.Columns.All(c => c.Name != k)))
            {
                throw new InvalidOperationException($"An upsert into \"{schema}\".\"{write.Table}\" needs its key columns among the written columns.");
            }
        }

        return table;
    }

    public static void RowWidth(TableWrite write, object?[] row)
    {
        if (row.Length != write.Columns.Count)
        {
            throw new InvalidOperationException(
                $"A row for \"{write.Table}\" has {row.Length} values but the write names {write.Columns.Count} columns.");
        }
    }

    /// <summary>The staged winners of the subtable's root, which the root's write must have produced earlier in the same load.</summary>
    public static string RootStage(IReadOnlyDictionary<string, string> stagedRoots, TableWrite write) =>
        stagedRoots.TryGetValue(write.RootTable, out var stage)
            ? stage
            : throw new InvalidOperationException($"The load writes subtable \"{write.Table}\" before (or without) an upsert of its root \"{write.RootTable}\".");
}
