using System.Text;

namespace Sluice.Destinations.Postgres;

/// <summary>
/// The functions an ad-hoc query may not call, found in the statement's words (comments and string literals skipped,
/// quoted identifiers unquoted, case ignored). A READ ONLY transaction does not stop them: a role with enough rights (a
/// destination may be given a superuser) reads the server's files with them, opens connections to other databases, runs
/// SQL hidden in a string past these checks, ends other sessions or holds locks beyond the query. Only calls are refused
/// (the name followed by an opening parenthesis), so a column that happens to share a prefix (<c>lo_price</c>) still reads.
/// </summary>
internal static class PostgresQueryGuard
{
    private static readonly (string Prefix, bool Exact, string Why)[] Refused =
    [
        ("pg_read_file", true, "reads files on the database server"),
        ("pg_read_binary_file", true, "reads files on the database server"),
        ("pg_stat_file", true, "reads files on the database server"),
        ("pg_ls_", false, "lists directories on the database server"),
        ("pg_file_", false, "writes files on the database server"),
        ("pg_logdir_ls", true, "lists directories on the database server"),
        ("lo_", false, "moves large objects between the database and the server's files"),
        ("loread", true, "reads large objects"),
        ("lowrite", true, "writes large objects"),
        ("dblink", false, "opens a connection to another database"),
        ("query_to_xml", false, "runs SQL given in a string, past these checks"),
        ("cursor_to_xml", false, "runs SQL given in a string, past these checks"),
        ("pg_terminate_backend", true, "ends other sessions of the server"),
        ("pg_cancel_backend", true, "cancels other sessions' statements"),
        ("pg_signal_backend", true, "signals other sessions of the server"),
        ("pg_reload_conf", true, "reloads the server's configuration"),
        ("pg_rotate_logfile", true, "rotates the server's log"),
        ("pg_promote", true, "promotes a standby server"),
        ("pg_switch_wal", true, "switches the server's write-ahead log"),
        ("pg_create_", false, "creates server objects (replication slots, restore points)"),
        ("pg_drop_replication_slot", true, "drops a replication slot"),
        ("pg_replication_", false, "changes replication state"),
        ("pg_logical_", false, "reads or writes logical replication state"),
        ("pg_backup_", false, "starts or stops a server backup"),
        ("pg_wal_replay_", false, "pauses or resumes recovery"),
        ("pg_stat_reset", false, "resets the server's statistics"),
        ("pg_advisory_", false, "takes locks that outlive the query"),
        ("pg_try_advisory_", false, "takes locks that outlive the query"),
        ("set_config", true, "changes settings of the session"),
        ("pg_import_system_collations", true, "changes the catalog"),
    ];

    /// <summary>Why <paramref name="sql"/> may not run, or null when it calls none of the refused functions.</summary>
    public static string? Refusal(string sql)
    {
        foreach (var (word, quoted, unicode, end) in Words(sql))
        {
            if (unicode)
            {
                return "Identifiers written with Unicode escapes (U&\"...\") are not accepted in queries; write the name plainly.";
            }

            if (!IsCall(sql, end))
            {
                continue;
            }

            var name = word.ToLowerInvariant();
            foreach (var (prefix, exact, why) in Refused)
            {
                if (exact ? name == prefix : name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return $"Queries may not call {(quoted ? "\"" + word + "\"" : word)}(): it {why}. A query may read this destination's tables only.";
                }
            }
        }

        return null;
    }

    /// <summary>The identifiers and keywords of <paramref name="sql"/>, outside comments and string literals.</summary>
    internal static IEnumerable<(string Word, bool Quoted, bool Unicode, int End)> Words(string sql)
    {
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '-' && At(sql, i, "--"))
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (c == '/' && At(sql, i, "/*"))
            {
                i = SkipBlockComment(sql, i);
            }
            else if (c == '\'')
            {
                i = SkipString(sql, i + 1, backslashes: i > 0 && (sql[i - 1] is 'e' or 'E') && (i < 2 || !IsWordChar(sql[i - 2])));
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var end = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + tag.Length;
            }
            else if (c == '"')
            {
                var unicode = i >= 2 && sql[i - 1] == '&' && (sql[i - 2] is 'u' or 'U');
                var (name, next) = QuotedIdentifier(sql, i + 1);
                yield return (name, true, unicode, next);
                i = next;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && IsWordChar(sql[i]))
                {
                    i++;
                }

                yield return (sql[start..i], false, false, i);
            }
            else
            {
                i++;
            }
        }
    }

    /// <summary>Whether the next thing after <paramref name="i"/>, past whitespace and comments, opens an argument list.</summary>
    private static bool IsCall(string sql, int i)
    {
        while (i < sql.Length)
        {
            if (char.IsWhiteSpace(sql[i]))
            {
                i++;
            }
            else if (At(sql, i, "--"))
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (At(sql, i, "/*"))
            {
                i = SkipBlockComment(sql, i);
            }
            else
            {
                return sql[i] == '(';
            }
        }

        return false;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    private static bool At(string sql, int i, string text) => sql.AsSpan(i).StartsWith(text, StringComparison.Ordinal);

    private static int SkipBlockComment(string sql, int i)
    {
        var depth = 0;
        do
        {
            if (At(sql, i, "/*"))
            {
                depth++;
                i += 2;
            }
            else if (At(sql, i, "*/"))
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
        return i;
    }

    /// <summary>Past the end of a '...' literal ('' is a quote; with E'...' a backslash escapes the next character).</summary>
    private static int SkipString(string sql, int i, bool backslashes)
    {
        while (i < sql.Length)
        {
            if (backslashes && sql[i] == '\\')
            {
                i += 2;
            }
            else if (sql[i] == '\'')
            {
                if (i + 1 < sql.Length && sql[i + 1] == '\'')
                {
                    i += 2;
                }
                else
                {
                    return i + 1;
                }
            }
            else
            {
                i++;
            }
        }

        return i;
    }

    /// <summary>The tag of a dollar-quoted string starting at <paramref name="i"/> (<c>$$</c> or <c>$name$</c>), or null.</summary>
    private static string? DollarTag(string sql, int i)
    {
        if (i > 0 && IsWordChar(sql[i - 1]))
        {
            return null; // part of an identifier such as a$b, or a parameter $1
        }

        var end = i + 1;
        while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
        {
            end++;
        }

        return end < sql.Length && sql[end] == '$' && (end == i + 1 || !char.IsDigit(sql[i + 1])) ? sql[i..(end + 1)] : null;
    }

    private static (string Name, int Next) QuotedIdentifier(string sql, int i)
    {
        var name = new StringBuilder();
        while (i < sql.Length)
        {
            if (sql[i] == '"')
            {
                if (i + 1 < sql.Length && sql[i + 1] == '"')
                {
                    name.Append('"');
                    i += 2;
                    continue;
                }

                return (name.ToString(), i + 1);
            }

            name.Append(sql[i]);
            i++;
        }

        return (name.ToString(), i);
    }
}
