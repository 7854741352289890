namespace Sluice.Core.Tables;

/// <summary>A physical column: its final destination name and type.</summary>
public sealed record ColumnSpec(string Name, ColumnType Type);
