using System.Globalization;
using Npgsql;
using Sluice.Core.Loading;

namespace Sluice.Destinations.Postgres;

/// <summary>
/// Runs one ad-hoc query. Fences: the statement must start with a reading keyword (SELECT, WITH, VALUES, TABLE, SHOW, EXPLAIN),
/// which refuses COPY, DO, CALL, SET and DDL up front; it calls none of the functions <see cref="PostgresQueryGuard"/> refuses
/// (files, other connections, SQL in a string, server control), which a READ ONLY transaction allows; it is sent as ONE batch command, which PostgreSQL's extended protocol
/// cannot split (so "SELECT 1; DROP ..." is refused by the server); it runs in a READ ONLY transaction with a
/// statement_timeout, always rolled back.
/// </summary>
internal static class PostgresQueryRunner
{
    private static readonly string[] ReadingKeywords = ["SELECT", "WITH", "VALUES", "TABLE", "SHOW", "EXPLAIN"];

    public static async Task<QueryResult> RunAsync(NpgsqlConnection connection, string sql, int maxRows, TimeSpan timeout, CancellationToken ct)
    {
        var keyword = FirstKeyword(sql);
        if (keyword is null)
        {
            return QueryResult.Failed("The query is empty; give one SELECT statement.");
        }

        if (!ReadingKeywords.Contains(keyword, StringComparer.OrdinalIgnoreCase))
        {
            return QueryResult.Failed($"Only read-only SELECT queries may run; this statement is {keyword.ToUpperInvariant()}.");
        }

        if (PostgresQueryGuard.Refusal(sql) is { } refusal)
        {
            return QueryResult.Failed(refusal);
        }

        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var setup = new NpgsqlCommand(
            string.Create(CultureInfo.InvariantCulture, $"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {(long)timeout.TotalMilliseconds}"),
            connection,
            transaction))
        {
            await setup.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        try
        {
            await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { new NpgsqlBatchCommand(sql) } };
            await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var columns = new QueryColumn[reader.FieldCount];
            for (var i = 0; i < columns.Length; i++)
            {
                columns[i] = new QueryColumn(reader.GetName(i), reader.GetDataTypeName(i));
            }

            var rows = new List<object?[]>();
            var truncated = false;
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                if (rows.Count == maxRows)
                {
                    truncated = true;
                    break;
                }

                var row = new object?[columns.Length];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = await reader.IsDBNullAsync(i, ct).ConfigureAwait(false) ? null : QueryResult.JsonFriendly(reader.GetValue(i));
                }

                rows.Add(row);
            }

            return new QueryResult(columns, rows, truncated, null);
        }
        catch (PostgresException error) when (!IsConnectionProblem(error.SqlState))
        {
            return QueryResult.Failed(error.SqlState switch
            {
                "25006" => $"Only read-only queries may run: {error.MessageText}.",
                "42601" when error.MessageText.Contains("multiple commands", StringComparison.Ordinal) => "Only one statement may run per query.",
                "57014" => string.Create(CultureInfo.InvariantCulture, $"The query ran longer than {timeout.TotalSeconds:0.#} s and was stopped."),
                _ => error.MessageText,
            });
        }
    }

    private static bool IsConnectionProblem(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("28", StringComparison.Ordinal) ||
        state.StartsWith("57P", StringComparison.Ordinal) || state == "3D000" || state.StartsWith("53", StringComparison.Ordinal);

    /// <summary>The first word of the statement after whitespace, comments and opening parentheses.</summary>
    internal static string? FirstKeyword(string sql)
    {
        var i = 0;
        while (i < sql.Length)
        {
            if (char.IsWhiteSpace(sql[i]) || sql[i] == '(')
            {
                i++;
            }
            else if (sql.AsSpan(i).StartsWith("--"))
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (sql.AsSpan(i).StartsWith("/*"))
            {
                var depth = 0;
                do
                {
                    if (sql.AsSpan(i).StartsWith("/*"))
                    {
                        depth++;
                        i += 2;
                    }
                    else if (sql.AsSpan(i).StartsWith("*/"))
                    {
                        depth--;
                        i += 2;
                    }
                    else
                    {
                        i++;
                    }
                }
                while (depth > 0 && i < sql.Length);
            }
            else
            {
                break;
            }
        }

        var start = i;
        while (i < sql.Length && char.IsAsciiLetter(sql[i]))
        {
            i++;
        }

        return i > start ? sql[start..i] : i < sql.Length ? sql[i].ToString() : null;
    }
}
