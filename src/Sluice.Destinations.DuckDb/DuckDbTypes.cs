using System.Globalization;
using DuckDB.NET.Data;
using Sluice.Core.Tables;

namespace Sluice.Destinations.DuckDb;

/// <summary>Sluice column types as DuckDB types, and values into the appender.</summary>
internal static class DuckDbTypes
{
    public static string Name(ColumnType type) => type switch
    {
        ColumnType.BigInt => "BIGINT",
        ColumnType.Double => "DOUBLE",
        ColumnType.Text => "VARCHAR",
        ColumnType.Boolean => "BOOLEAN",
        ColumnType.Timestamp => "TIMESTAMP",
        ColumnType.Json => "JSON",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column type."),
    };

    /// <summary>Columns a user added by hand may have other types; they map to the closest Sluice type.</summary>
    public static ColumnType FromName(string dataType) => dataType.ToUpperInvariant() switch
    {
        "BIGINT" or "INTEGER" or "SMALLINT" or "TINYINT" or "HUGEINT" or "UBIGINT" or "UINTEGER" or "USMALLINT" or "UTINYINT" => ColumnType.BigInt,
        "DOUBLE" or "FLOAT" or "REAL" => ColumnType.Double,
        var d when d.StartsWith("DECIMAL", StringComparison.Ordinal) => ColumnType.Double,
        "BOOLEAN" => ColumnType.Boolean,
        "JSON" => ColumnType.Json,
        var d when d.StartsWith("TIMESTAMP", StringComparison.Ordinal) || d == "DATE" => ColumnType.Timestamp,
        _ => ColumnType.Text,
    };

    public static void Append(IDuckDBAppenderRow row, ColumnType type, object? value, string table, string column)
    {
        if (value is null)
        {
            row.AppendNullValue();
            return;
        }

        switch (type, value)
        {
            case (ColumnType.BigInt, long l):
                row.AppendValue((long?)l);
                break;
            case (ColumnType.BigInt, int i):
                row.AppendValue((long?)i);
                break;
            case (ColumnType.Double, double d):
                row.AppendValue((double?)d);
                break;
            case (ColumnType.Double, long l):
                row.AppendValue((double?)l);
                break;
            case (ColumnType.Text or ColumnType.Json, string s):
                row.AppendValue(s);
                break;
            case (ColumnType.Boolean, bool b):
                row.AppendValue((bool?)b);
                break;
            case (ColumnType.Timestamp, DateTime t):
                row.AppendValue((DateTime?)(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t));
                break;
            default:
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Column \"{column}\" of table \"{table}\" is {type}, but the load gave a {value.GetType().Name} value."));
        }
    }
}
