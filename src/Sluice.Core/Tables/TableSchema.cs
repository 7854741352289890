namespace Sluice.Core.Tables;

/// <summary>A table as it exists in the destination: columns in table order, and its primary key (empty when append-only).</summary>
public sealed record TableSchema(string Name, IReadOnlyList<ColumnSpec> Columns, IReadOnlyList<string> PrimaryKey)
{
    /// <summary>The table's rows of <c>_sluice_columns</c> (<see cref="ColumnMapping"/>); empty for tables made before it existed.</summary>
    public IReadOnlyList<ColumnMapping> Mappings { get; init; } = [];

    public ColumnSpec? Find(string column) => Columns.FirstOrDefault(c => c.Name == column);
}
