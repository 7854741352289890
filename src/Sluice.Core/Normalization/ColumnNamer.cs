using System.Text;

namespace Sluice.Core.Normalization;

/// <summary>
/// PostgreSQL naming rules (BEHAVIOUR.md §4.4), applied to every destination alike: case is kept, unsupported characters
/// are removed, leading characters that are not letters or underscores are removed, column names are limited to 59 bytes
/// and table names to 63, and the <c>_sdc</c>/<c>_rjm</c> prefixes and type suffixes are reserved.
/// </summary>
/// <remarks>
/// Names are compared case-insensitively (<see cref="Comparer"/>) although their case is kept: DuckDB resolves even quoted
/// identifiers case-insensitively, so <c>id</c> and <c>ID</c> cannot be two columns there, and the documented rejection
/// example is <c>{"id":1,"ID":"Paul"}</c> -> <c>Field collision on id</c>.
/// </remarks>
public static class ColumnNamer
{
    /// <summary>PostgreSQL's 63-byte identifier limit minus room for a split suffix (<c>__bi</c>).</summary>
    public const int MaxColumnNameBytes = 59;

    /// <summary>PostgreSQL's identifier limit (NAMEDATALEN - 1).</summary>
    public const int MaxTableNameBytes = 63;

    /// <summary>PostgreSQL's limit of columns per table.</summary>
    public const int MaxColumns = 1600;

    /// <summary>How table and column names are matched: case-insensitive, as DuckDB does.</summary>
    public static readonly StringComparer Comparer = StringComparer.OrdinalIgnoreCase;

    private static readonly string[] ReservedPrefixes = ["_sdc", "_rjm"];
    private static readonly string[] ReservedSuffixes = ["__bi", "__bo", "__de", "__do", "__it", "__st", "__ti"];

    /// <summary>
    /// Removes every character that is not a letter, a digit, an underscore or a space, then the leading characters that are
    /// not letters or underscores: <c>customer!id</c> -> <c>customerid</c>, <c>123customerid</c> -> <c>customerid</c>,
    /// <c>CUSTOMER! ID</c> -> <c>CUSTOMER ID</c>. May return an empty string.
    /// </summary>
    public static string Sanitize(string raw)
    {
        if (IsAlreadyClean(raw))
        {
            return raw;
        }

        var builder = new StringBuilder(raw.Length);
        foreach (var rune in raw.EnumerateRunes())
        {
            var letter = Rune.IsLetter(rune);
            var kept = letter || Rune.IsDigit(rune) || rune.Value == '_' || rune.Value == ' ';
            if (!kept || (builder.Length == 0 && !letter && rune.Value != '_'))
            {
                continue;
            }

            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }

    /// <summary>True when <paramref name="name"/> starts with <c>_sdc</c> or <c>_rjm</c> or ends with a type suffix, in any case.</summary>
    public static bool IsReserved(string name)
    {
        foreach (var prefix in ReservedPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var suffix in ReservedSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Limits count bytes of UTF-8, as PostgreSQL does.</summary>
    public static bool IsTooLongForColumn(string name) => Exceeds(name, MaxColumnNameBytes);

    public static bool IsTooLongForTable(string name) => Exceeds(name, MaxTableNameBytes);

    // A UTF-16 unit is at most 3 UTF-8 bytes: short names need no count.
    private static bool Exceeds(string name, int limit) =>
        name.Length > limit || (name.Length * 3 > limit && Encoding.UTF8.GetByteCount(name) > limit);

    // Most field names are plain ASCII identifiers: skip the rebuild for them.
    private static bool IsAlreadyClean(string raw)
    {
        if (raw.Length == 0 || !(char.IsAsciiLetter(raw[0]) || raw[0] == '_'))
        {
            return false;
        }

        foreach (var c in raw)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == ' '))
            {
                return false;
            }
        }

        return true;
    }
}
