namespace Sluice.Core.Tables;

/// <summary>A table as it exists in the destination: columns in table order, and its primary key (empty when append-only).</summary>
public sealed record TableSchema(string Name, IReadOnlyList<ColumnSpec> Columns, IReadOnlyList<string> PrimaryKey)
{
    public ColumnSpec? Find(string column) => Columns.FirstOrDefault(c => c.Name == column);
}
