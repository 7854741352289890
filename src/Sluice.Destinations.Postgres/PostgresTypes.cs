using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Sluice.Core.Tables;

namespace Sluice.Destinations.Postgres;

/// <summary>Sluice column types as PostgreSQL types, and values into a binary COPY.</summary>
internal static class PostgresTypes
{
    public static string Name(ColumnType type) => type switch
    {
        ColumnType.BigInt => "bigint",
        ColumnType.Double => "double precision",
        ColumnType.Text => "text",
        ColumnType.Boolean => "boolean",
        ColumnType.Timestamp => "timestamp",
        ColumnType.Json => "jsonb",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column type."),
    };

    /// <summary>Columns a user added by hand may have other types; they map to the closest Sluice type.</summary>
    public static ColumnType FromName(string formatted) => formatted switch
    {
        "bigint" or "integer" or "smallint" => ColumnType.BigInt,
        "double precision" or "real" => ColumnType.Double,
        var t when t.StartsWith("numeric", StringComparison.Ordinal) => ColumnType.Double,
        "boolean" => ColumnType.Boolean,
        "jsonb" or "json" => ColumnType.Json,
        var t when t.StartsWith("timestamp", StringComparison.Ordinal) || t == "date" => ColumnType.Timestamp,
        _ => ColumnType.Text,
    };

    // Synchronous writes: NpgsqlBinaryImporter buffers and only blocks when a buffer fills; per-value awaits cost more than they save.
    public static void Write(NpgsqlBinaryImporter importer, ColumnType type, object? value, string table, string column)
    {
        switch (type, value)
        {
            case (_, null):
                importer.WriteNull();
                break;
            case (ColumnType.BigInt, long l):
                importer.Write(l, NpgsqlDbType.Bigint);
                break;
            case (ColumnType.BigInt, int i):
                importer.Write((long)i, NpgsqlDbType.Bigint);
                break;
            case (ColumnType.Double, double d):
                importer.Write(d, NpgsqlDbType.Double);
                break;
            case (ColumnType.Double, long l):
                importer.Write((double)l, NpgsqlDbType.Double);
                break;
            case (ColumnType.Text, string s):
                importer.Write(s, NpgsqlDbType.Text);
                break;
            case (ColumnType.Json, string s):
                importer.Write(s, NpgsqlDbType.Jsonb);
                break;
            case (ColumnType.Boolean, bool b):
                importer.Write(b, NpgsqlDbType.Boolean);
                break;
            case (ColumnType.Timestamp, DateTime t):
                importer.Write(Unspecified(t), NpgsqlDbType.Timestamp);
                break;
            default:
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Column \"{column}\" of table \"{table}\" is {type}, but the load gave a {value.GetType().Name} value."));
        }
    }

    /// <summary><c>timestamp</c> (without time zone) holds UTC wall time; Npgsql refuses Kind=Utc for it.</summary>
    public static DateTime Unspecified(DateTime value) =>
        DateTime.SpecifyKind(value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value, DateTimeKind.Unspecified);
}
