namespace Sluice.Core.Tables;

public enum WriteMode
{
    /// <summary>Every row is inserted.</summary>
    Append,

    /// <summary>Rows replace rows with the same key when their <c>_sdc_sequence</c> is newer (see <see cref="TableWrite"/>).</summary>
    Upsert,
}

/// <summary>
/// The rows one load writes into one table. Values in each row align with <see cref="Columns"/>; <c>null</c> is SQL NULL;
/// value CLR types: <see cref="long"/> (BigInt), <see cref="double"/> (Double), <see cref="string"/> (Text),
/// <see cref="bool"/> (Boolean), <see cref="DateTime"/> with Kind UTC (Timestamp). Columns not listed are left NULL.
/// </summary>
/// <remarks>
/// Upsert rules, which every destination implements alike:
/// <list type="bullet">
/// <item>Root table (<see cref="ParentKeyColumns"/> empty): rows are already de-duplicated by key within the batch. An existing
/// row with the same <see cref="KeyColumns"/> is replaced only when its <c>_sdc_sequence</c> is lower than the incoming row's;
/// an older incoming row never overwrites a newer one.</item>
/// <item>Subtable in a load with Upsert root: for every root row that won (was inserted or replaced), all existing subtable rows of
/// that root key are deleted first (even when the new record has no elements), then the incoming subtable rows whose
/// <c>_sdc_sequence</c> equals their root row's winning sequence are inserted. <see cref="ParentKeyColumns"/> pairs each
/// subtable column <c>_sdc_source_key_x</c> with the root column <c>x</c> it copies.</item>
/// </list>
/// Subtable writes come after their root's write in <see cref="Loading.LoadRequest.Writes"/>.
/// </remarks>
public sealed record TableWrite(
    string Table,
    string SourceTableName,
    string RootTable,
    WriteMode Mode,
    IReadOnlyList<string> KeyColumns,
    IReadOnlyList<KeyValuePair<string, string>> ParentKeyColumns,
    IReadOnlyList<ColumnSpec> Columns,
    IReadOnlyList<object?[]> Rows)
{
    public bool IsRoot => Table == RootTable;
}
