using Sluice.Core.Loading;
using Sluice.Server.Destinations;

namespace Sluice.Server.Web;

/// <summary>
/// What the Data and integration pages read from an account's destination: tables and columns, row counts, a preview of
/// the newest rows and the latest rejections. Runs through the destination's read-only query path; every identifier is
/// checked against the destination's own catalogue and double-quoted, every string literal single-quoted.
/// </summary>
public sealed class DataBrowser(IDestinationProvider destinations)
{
    public const int PreviewRows = 50;
    private const int MaxCatalogRows = 10_000;
    private const string SystemColumnPrefix = "_sdc_";

    public async Task<DataResult<IReadOnlyList<TableInfo>>> ListTablesAsync(long clientId, string? schema, CancellationToken cancellationToken)
    {
        var filter = schema is null ? string.Empty : $" AND table_schema = {Literal(schema)}";
        var sql = "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
            + "WHERE table_schema NOT IN ('information_schema', 'pg_catalog', 'pg_toast', '_sluice') AND table_schema NOT LIKE 'pg\\_%' ESCAPE '\\'"
            + filter + " ORDER BY table_schema, table_name, ordinal_position";
        var result = await QueryAsync(clientId, sql, MaxCatalogRows, cancellationToken);
        if (result.Error is not null)
        {
            return new DataResult<IReadOnlyList<TableInfo>>([], result.Error);
        }

        var tables = result.Value!.Rows
            .GroupBy(r => (Schema: (string)r[0]!, Table: (string)r[1]!))
            .Where(g => !g.Key.Table.StartsWith(LoadSql.StagePrefix, StringComparison.Ordinal))
            .Select(g => new TableInfo(g.Key.Schema, g.Key.Table, g.Select(r => new ColumnInfo((string)r[2]!, Convert.ToString(r[3], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty)).ToList()))
            .ToList();
        return new DataResult<IReadOnlyList<TableInfo>>(tables, null);
    }

    public async Task<long?> CountRowsAsync(long clientId, TableInfo table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var result = await QueryAsync(clientId, $"SELECT count(*) FROM {LoadSql.Table(table.Schema, table.Name)}", 1, cancellationToken);
        return result.Value is { Rows.Count: 1 } r ? Convert.ToInt64(r.Rows[0][0], System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The newest <see cref="PreviewRows"/> rows (by <c>_sdc_sequence</c> when the table has it) of a table the catalogue lists.</summary>
    public async Task<DataResult<QueryResult>> PreviewAsync(long clientId, TableInfo table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var order = table.Columns.Any(c => c.Name == LoadSql.SequenceColumn)
            ? $" ORDER BY {LoadSql.Quote(LoadSql.SequenceColumn)} DESC"
            : table.Name == LoadSql.RejectedTable ? " ORDER BY \"_sdc_rejected_at\" DESC" : string.Empty;
        // The user's fields first, Sluice's own _sdc_ columns last: on a narrow screen the first columns are the ones read.
        var columns = table.Columns.Count == 0 || table.Name == LoadSql.RejectedTable
            ? "*"
            : LoadSql.ColumnList(table.Columns.Select(c => c.Name).OrderBy(c => c.StartsWith(SystemColumnPrefix, StringComparison.Ordinal)));
        return await QueryAsync(clientId, $"SELECT {columns} FROM {LoadSql.Table(table.Schema, table.Name)}{order} LIMIT {PreviewRows}", PreviewRows, cancellationToken);
    }

    /// <summary>The latest rejected records of a schema, newest first; empty when nothing was ever rejected.</summary>
    public async Task<IReadOnlyList<object?[]>> RecentRejectionsAsync(long clientId, string schema, int limit, CancellationToken cancellationToken)
    {
        var tables = await ListTablesAsync(clientId, schema, cancellationToken);
        if (tables.Value is null || !tables.Value.Any(t => t.Name == LoadSql.RejectedTable))
        {
            return [];
        }

        var result = await QueryAsync(
            clientId,
            $"SELECT \"_sdc_rejected_at\", \"table_name\", \"reason\", \"record\" FROM {LoadSql.Table(schema, LoadSql.RejectedTable)} ORDER BY \"_sdc_rejected_at\" DESC LIMIT {limit}",
            limit,
            cancellationToken);
        return result.Value?.Rows ?? [];
    }

    private async Task<DataResult<QueryResult>> QueryAsync(long clientId, string sql, int maxRows, CancellationToken cancellationToken)
    {
        try
        {
            var destination = await destinations.GetAsync(clientId, cancellationToken);
            if (destination is not IQueryableDestination queryable)
            {
                return new DataResult<QueryResult>(null, "This destination does not answer queries.");
            }

            var result = await queryable.QueryAsync(sql, maxRows, cancellationToken);
            return result.Succeeded ? new DataResult<QueryResult>(result, null) : new DataResult<QueryResult>(null, result.Error);
        }
        catch (DestinationException ex)
        {
            return new DataResult<QueryResult>(null, "The destination cannot be read right now: " + ex.Message);
        }
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}

/// <summary>A table of the destination and its columns, in column order.</summary>
public sealed record TableInfo(string Schema, string Name, IReadOnlyList<ColumnInfo> Columns)
{
    public string FullName => Schema + "." + Name;
}

public sealed record ColumnInfo(string Name, string Type);

/// <summary>A value read from the destination, or the reason it could not be read (shown to the user as is).</summary>
public sealed record DataResult<T>(T? Value, string? Error);
