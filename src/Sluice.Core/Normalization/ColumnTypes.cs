using Sluice.Core.Tables;

namespace Sluice.Core.Normalization;

/// <summary>The PostgreSQL split suffixes of <see cref="ColumnType"/> (BEHAVIOUR.md §4.2): <c>age</c> splits into <c>age__bi</c> and <c>age__st</c>.</summary>
public static class ColumnTypes
{
    /// <summary>Every type, in <see cref="ColumnType"/> order; indexes arrays by <c>(int)type</c>.</summary>
    internal const int Count = 6;

    public static string Suffix(ColumnType type) => type switch
    {
        ColumnType.BigInt => "bi",
        ColumnType.Double => "do",
        ColumnType.Text => "st",
        ColumnType.Boolean => "bo",
        ColumnType.Timestamp => "ti",
        ColumnType.Json => "js",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column type."),
    };

    /// <summary>The name of <paramref name="column"/>'s split column for <paramref name="type"/>: <c>column__suffix</c>.</summary>
    public static string SplitName(string column, ColumnType type) => column + "__" + Suffix(type);

    /// <summary>The type as <c>_sluice_columns.type</c> names it, the same in every destination.</summary>
    public static string MappingName(ColumnType type) => SqlName(type) == "double precision" ? "double" : SqlName(type);

    /// <summary>The type <see cref="MappingName"/> named; null for a name it never gives.</summary>
    public static ColumnType? FromMappingName(string name) => name switch
    {
        "bigint" => ColumnType.BigInt,
        "double" => ColumnType.Double,
        "text" => ColumnType.Text,
        "boolean" => ColumnType.Boolean,
        "timestamp" => ColumnType.Timestamp,
        "json" => ColumnType.Json,
        _ => null,
    };

    /// <summary>Words for rejection reasons, as a data engineer reads them in the warehouse.</summary>
    internal static string SqlName(ColumnType type) => type switch
    {
        ColumnType.BigInt => "bigint",
        ColumnType.Double => "double precision",
        ColumnType.Text => "text",
        ColumnType.Boolean => "boolean",
        ColumnType.Timestamp => "timestamp",
        ColumnType.Json => "json",
        _ => type.ToString(),
    };
}
