namespace Sluice.Core.Tables;

/// <summary>
/// A row of a schema's <c>_sluice_columns</c>: which JSON path a column holds. Written in the load's transaction for every
/// column Sluice creates (system columns with a null <see cref="JsonPath"/>), and for every field that went to
/// <c>_sdc_overflow</c> (<see cref="Column"/> is then <c>_sdc_overflow</c>). Name choices (shortening, collisions) are
/// decided once and read back from here, so they stay the same in every later load.
/// </summary>
/// <param name="Table">The destination table.</param>
/// <param name="Column">The destination column (after any split: <c>age__bi</c>).</param>
/// <param name="JsonPath">The original keys from the record's root joined with <c>.</c>, exactly as in the payload, with
/// <c>[]</c> for an array's elements (<c>issue.reactions.+1</c>, <c>items[].sku</c>, <c>tags[]</c>); null for system columns.</param>
/// <param name="Type">The column's type.</param>
/// <param name="RootTable">The root table the table belongs to (itself for a root).</param>
/// <param name="TablePath">The JSON path of the array whose elements the table holds (<c>items</c>, <c>items[].options</c>);
/// for a root table the <c>table_from</c> value it was routed by, or null.</param>
public sealed record ColumnMapping(string Table, string Column, string? JsonPath, ColumnType Type, string RootTable, string? TablePath);
