using System.Globalization;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using Sluice.Core.Loading;

namespace Sluice.Destinations.DuckDb;

/// <summary>
/// Runs one ad-hoc query against an account's file. Three fences: DuckDB's own parser must find exactly one statement and
/// type it SELECT (so INSERT, COPY, ATTACH, SET, PRAGMA, CALL ... are refused before they run); the statement runs in a
/// READ ONLY transaction that is always rolled back; and the database instance has external access disabled and its
/// configuration locked (set when the writer opened it), so table functions such as <c>read_text</c> cannot reach files.
/// </summary>
internal static class DuckDbQueryRunner
{
    public static QueryResult Run(string connectionString, string sql, int maxRows, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var connection = new DuckDBConnection(connectionString);
        connection.Open();
        if (!IsLockedDown(connection))
        {
            return QueryResult.Failed("The warehouse is not locked down (external access off, configuration locked); the query was not run.");
        }

        if (Refusal(connection, sql) is { } refusal)
        {
            return QueryResult.Failed(refusal);
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        Execute(connection, "BEGIN TRANSACTION READ ONLY");
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.UseStreamingMode = true; // read only the rows returned, never materialize a huge result
            using var registration = timer.Token.Register(command.Cancel);
            using var reader = command.ExecuteReader();
            var columns = new QueryColumn[reader.FieldCount];
            for (var i = 0; i < columns.Length; i++)
            {
                columns[i] = new QueryColumn(reader.GetName(i), reader.GetDataTypeName(i));
            }

            var rows = new List<object?[]>();
            var truncated = false;
            while (reader.Read())
            {
                if (rows.Count == maxRows)
                {
                    truncated = true;
                    break;
                }

                var row = new object?[columns.Length];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : QueryResult.JsonFriendly(reader.GetValue(i));
                }

                rows.Add(row);
            }

            return new QueryResult(columns, rows, truncated, null);
        }
        catch (Exception error) when (error is DuckDBException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return QueryResult.Failed(timer.IsCancellationRequested
                ? string.Create(CultureInfo.InvariantCulture, $"The query ran longer than {timeout.TotalSeconds:0.#} s and was stopped.")
                : FirstLine(error.Message));
        }
        finally
        {
            try
            {
                Execute(connection, "ROLLBACK");
            }
            catch (DuckDBException)
            {
                // An interrupted or failed statement may already have ended the transaction; the connection is closed next anyway.
            }
        }
    }

    /// <summary>Why DuckDB's parser says <paramref name="sql"/> may not run, or null when it is exactly one SELECT.</summary>
    private static string? Refusal(DuckDBConnection connection, string sql)
    {
        var count = NativeMethods.ExtractStatements.DuckDBExtractStatements(connection.NativeConnection, sql, out var extracted);
        using (extracted)
        {
            if (count == 0)
            {
                var error = NativeMethods.ExtractStatements.DuckDBExtractStatementsError(extracted);
                return string.IsNullOrEmpty(error) ? "The query is empty; give one SELECT statement." : FirstLine(error);
            }

            if (count > 1)
            {
                return string.Create(CultureInfo.InvariantCulture, $"Only one statement may run per query; this query has {count}.");
            }

            var state = NativeMethods.ExtractStatements.DuckDBPrepareExtractedStatement(connection.NativeConnection, extracted, 0, out var prepared);
            using (prepared)
            {
                if (state != DuckDBState.Success)
                {
                    var error = FirstLine(NativeMethods.PreparedStatements.DuckDBPrepareError(prepared));
                    return error.StartsWith("Permission Error", StringComparison.Ordinal)
                        ? "Queries may read this account's tables only, not files, URLs or other databases: " + error
                        : error;
                }

                // DuckDB turns some PRAGMAs into a SELECT of a table function (PRAGMA database_list): refuse them by their word.
                var type = DuckDbNative.PreparedStatementType(prepared);
                if (type == DuckDbNative.StatementKind.Select && FirstWord(sql).Equals("PRAGMA", StringComparison.OrdinalIgnoreCase))
                {
                    return "Only read-only SELECT queries may run; this statement is PRAGMA.";
                }

                return type switch
                {
                    DuckDbNative.StatementKind.Select => null,
                    // DuckDB types INSTALL, FORCE INSTALL and LOAD alike (a load statement): name the one the user wrote.
                    DuckDbNative.StatementKind.Load => $"Only read-only SELECT queries may run; this statement is {LoadWords(sql)}.",
                    _ => $"Only read-only SELECT queries may run; this statement is {type.ToString().ToUpperInvariant()}.",
                };
            }
        }
    }

    private static string LoadWords(string sql)
    {
        var first = FirstWord(sql).ToUpperInvariant();
        return first == "FORCE" ? "FORCE INSTALL" : first is "INSTALL" or "LOAD" ? first : "LOAD";
    }

    private static bool IsLockedDown(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT current_setting('enable_external_access') = false AND current_setting('lock_configuration') = true";
        return command.ExecuteScalar() is true;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The first word of <paramref name="sql"/> after whitespace and <c>--</c> or <c>/* */</c> comments.</summary>
    private static string FirstWord(string sql)
    {
        var i = 0;
        while (i < sql.Length)
        {
            if (char.IsWhiteSpace(sql[i]))
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
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
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

        return sql[start..i];
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).Trim();
    }
}
