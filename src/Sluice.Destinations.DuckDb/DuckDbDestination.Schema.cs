using System.Globalization;
using DuckDB.NET.Data;
using Sluice.Core.Tables;
using static Sluice.Core.Loading.LoadSql;

namespace Sluice.Destinations.DuckDb;

/// <summary>The schema reader: a schema's tables and columns from DuckDB's catalog (and Sluice's column mapping table).</summary>
public sealed partial class DuckDbDestination
{
    private Dictionary<string, TableSchema> Tables(DuckDBConnection connection, string schema)
    {
        if (!_tables.TryGetValue(schema, out var tables))
        {
            _tables[schema] = tables = ReadTables(connection, schema);
        }

        return tables;
    }

    /// <summary>The number of columns of the file's widest table (0 without tables).</summary>
    private static int WidestTable(DuckDBConnection connection)
    {
        using var command = Command(
            connection,
            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM information_schema.columns " +
            "WHERE table_catalog = current_database() GROUP BY table_schema, table_name)");
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, TableSchema> ReadTables(DuckDBConnection connection, string schema)
    {
        var columns = new Dictionary<string, List<ColumnSpec>>(StringComparer.Ordinal);
        using (var command = Command(
            connection,
            "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c " +
            "JOIN information_schema.tables t ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema AND t.table_name = c.table_name " +
            "WHERE c.table_catalog = current_database() AND c.table_schema = $schema AND t.table_type = 'BASE TABLE' AND c.table_name <> $rejected " +
            "AND c.table_name <> $columns " +
            "ORDER BY c.table_name, c.ordinal_position"))
        {
            command.Parameters.Add(new DuckDBParameter("schema", schema));
            command.Parameters.Add(new DuckDBParameter("rejected", RejectedTable));
            command.Parameters.Add(new DuckDBParameter("columns", ColumnsTable));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var table = reader.GetString(0);
                if (!columns.TryGetValue(table, out var list))
                {
                    columns[table] = list = [];
                }

                list.Add(new ColumnSpec(reader.GetString(1), DuckDbTypes.FromName(reader.GetString(2))));
            }
        }

        var keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        using (var command = Command(
            connection,
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() " +
            "WHERE database_name = current_database() AND schema_name = $schema AND constraint_type = 'PRIMARY KEY'"))
        {
            command.Parameters.Add(new DuckDBParameter("schema", schema));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                keys[reader.GetString(0)] = reader.GetFieldValue<List<string>>(1);
            }
        }

        var tables = columns.ToDictionary(
            c => c.Key,
            c => new TableSchema(c.Key, c.Value, keys.TryGetValue(c.Key, out var key) ? key : []),
            StringComparer.Ordinal);
        if (tables.Count > 0 && HasColumnsTable(connection, schema))
        {
            using var command = Command(connection, SelectMappings(schema));
            using var reader = command.ExecuteReader();
            var rows = new List<(string, string, string?, string, string, string?)>();
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }

            AttachMappings(tables, rows);
        }

        return tables;
    }

    private static bool HasColumnsTable(DuckDBConnection connection, string schema)
    {
        using var command = Command(
            connection,
            "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = $schema AND table_name = $name");
        command.Parameters.Add(new DuckDBParameter("schema", schema));
        command.Parameters.Add(new DuckDBParameter("name", ColumnsTable));
        return command.ExecuteScalar() is long count && count > 0;
    }

    private static int IndexOf(IReadOnlyList<ColumnSpec> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
