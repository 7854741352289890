using Npgsql;
using Sluice.Core.Tables;
using static Sluice.Core.Loading.LoadSql;

namespace Sluice.Destinations.Postgres;

/// <summary>The schema reader: a schema's tables and columns from PostgreSQL's catalog (and Sluice's column mapping table).</summary>
public sealed partial class PostgresDestination
{
    private static async Task<Dictionary<string, TableSchema>> ReadTablesAsync(NpgsqlConnection connection, string schema, CancellationToken ct)
    {
        var columns = new Dictionary<string, List<ColumnSpec>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_class c " +
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid " +
            "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> $2 AND c.relname <> $3 " +
            "ORDER BY c.relname, a.attnum",
            connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = RejectedTable });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ColumnsTable });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var table = reader.GetString(0);
                if (!columns.TryGetValue(table, out var list))
                {
                    columns[table] = list = [];
                }

                list.Add(new ColumnSpec(reader.GetString(1), PostgresTypes.FromName(reader.GetString(2))));
            }
        }

        var keys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            "SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid " +
            "JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) " +
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum " +
            "WHERE n.nspname = $1 AND i.indisprimary ORDER BY c.relname, k.ord",
            connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var table = reader.GetString(0);
                if (!keys.TryGetValue(table, out var list))
                {
                    keys[table] = list = [];
                }

                list.Add(reader.GetString(1));
            }
        }

        var tables = columns.ToDictionary(
            c => c.Key,
            c => new TableSchema(c.Key, c.Value, keys.TryGetValue(c.Key, out var key) ? key : []),
            StringComparer.Ordinal);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Table(schema, ColumnsTable) });
            if (tables.Count == 0 || await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not true)
            {
                return tables;
            }
        }

        await using (var command = new NpgsqlCommand(SelectMappings(schema), connection))
        {
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var rows = new List<(string, string, string?, string, string, string?)>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }

            AttachMappings(tables, rows);
        }

        return tables;
    }
}
