namespace Sluice.Core.Tables;

/// <summary>A change to a table's structure, applied by the destination inside the load's transaction, in list order.</summary>
public abstract record SchemaChange(string Table);

/// <summary>Creates the table (and the schema, if missing). <paramref name="PrimaryKey"/> empty means no constraint.</summary>
public sealed record CreateTable(string Table, IReadOnlyList<ColumnSpec> Columns, IReadOnlyList<string> PrimaryKey) : SchemaChange(Table);

/// <summary>Adds a nullable column at the end of the table.</summary>
public sealed record AddColumn(string Table, ColumnSpec Column) : SchemaChange(Table);

/// <summary>Renames a column; used when a type change splits a column (<c>age</c> becomes <c>age__bi</c>).</summary>
public sealed record RenameColumn(string Table, string From, string To) : SchemaChange(Table);
