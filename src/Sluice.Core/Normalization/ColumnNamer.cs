using System.Security.Cryptography;
using System.Text;

namespace Sluice.Core.Normalization;

/// <summary>
/// PostgreSQL naming rules (BEHAVIOUR.md §4.4), applied to every destination alike: case is kept, unsupported characters
/// are removed, leading characters that are not letters or underscores are removed, column names are limited to 59 bytes
/// and table names to 63, and the <c>_sdc</c>/<c>_rjm</c> prefixes and type suffixes are reserved.
/// </summary>
/// <remarks>
/// Where Stitch drops or rejects data for a name, Sluice keeps it (DESIGN.md "Table semantics"): a name over its limit is
/// shortened (<see cref="Fit"/>), a name that is empty after sanitizing or reserved is changed (<see cref="ClientName"/>),
/// and two keys that come to the same name get distinct names (<see cref="TableColumns"/>).
/// </remarks>
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

    /// <summary>PostgreSQL's limit of columns per table, used for DuckDB too so that both destinations look alike.</summary>
    public const int MaxColumns = 1600;

    /// <summary>
    /// A table takes new data columns while it has fewer than this many columns; later fields go to
    /// <see cref="OverflowColumn"/>. The 100 columns above it are headroom for type splits of existing columns.
    /// </summary>
    public const int OverflowAt = 1500;

    /// <summary>The JSON column holding a row's fields past <see cref="OverflowAt"/>, keyed by their JSON paths.</summary>
    public const string OverflowColumn = "_sdc_overflow";

    /// <summary>Routed root tables are shortened to this many bytes, so every subtable name keeps <c>root__</c> in front.</summary>
    public const int MaxRoutedTableBytes = 40;

    /// <summary>The hex digits of the hash a shortened name ends with (after <c>_</c>).</summary>
    public const int HashLength = 8;

    /// <summary>How table and column names are matched: case-insensitive, as DuckDB does.</summary>
    public static readonly StringComparer Comparer = StringComparer.OrdinalIgnoreCase;

    private static readonly string[] ReservedPrefixes = ["_sdc", "_rjm"];
    private static readonly string[] ReservedSuffixes = ["__bi", "__bo", "__de", "__do", "__it", "__js", "__st", "__ti"];

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

    /// <summary>
    /// The base column name of a client field (its raw keys joined with <c>__</c>): <see cref="Sanitize"/>d; when that is
    /// empty (<c>+1</c>, <c>123</c>), <c>_</c> and the key's letters and digits, or <c>_</c> and a hash when it has none;
    /// a reserved prefix gets one more <c>_</c> in front (<c>_sdc_x</c> -> <c>__sdc_x</c>) and a reserved suffix one
    /// <c>_</c> behind (<c>price__st</c> -> <c>price__st_</c>); then <see cref="Fit"/> to <see cref="MaxColumnNameBytes"/>.
    /// </summary>
    public static string ClientName(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var name = Sanitize(raw);
        if (name.Length == 0)
        {
            var kept = new StringBuilder(raw.Length + 1).Append('_');
            foreach (var rune in raw.EnumerateRunes())
            {
                if (Rune.IsLetterOrDigit(rune) || rune.Value == '_')
                {
                    kept.Append(rune.ToString());
                }
            }

            name = kept.Length > 1 ? kept.ToString() : "_" + Hash(raw);
        }

        if (IsReserved(name))
        {
            if (HasReservedPrefix(name))
            {
                name = "_" + name;
            }

            if (IsReserved(name))
            {
                name += "_";
            }
        }

        return Fit(name, MaxColumnNameBytes);
    }

    /// <summary>
    /// <paramref name="name"/> itself when it fits in <paramref name="limitBytes"/> bytes of UTF-8; else the longest prefix
    /// that leaves room (whole characters), <c>_</c> and the first <see cref="HashLength"/> hex digits of the SHA-256 of the
    /// full name: the same in every load and destination, and different for different full names.
    /// </summary>
    public static string Fit(string name, int limitBytes)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Exceeds(name, limitBytes))
        {
            return name;
        }

        var room = limitBytes - HashLength - 1;
        var prefix = new StringBuilder(room);
        var bytes = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > room)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            prefix.Append(rune.ToString());
        }

        return prefix.Append('_').Append(Hash(name)).ToString();
    }

    /// <summary>The name of a root table routed by a value (<c>table_from</c>): lowercased, runs of other characters as one <c>_</c>.</summary>
    /// <returns>Null when nothing usable is left (the record then goes to <c>data</c>).</returns>
    public static string? RoutedTableName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                text.Append(Rune.ToLowerInvariant(rune).ToString());
            }
            else if (text.Length > 0 && text[^1] != '_')
            {
                text.Append('_');
            }
        }

        var name = Sanitize(text.ToString().TrimEnd('_'));
        return name.Length == 0 ? null : Fit(name, MaxRoutedTableBytes);
    }

    private static string Hash(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..(HashLength / 2)]);
    }

    private static bool HasReservedPrefix(string name)
    {
        foreach (var prefix in ReservedPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The base name of a physical column: without its split suffix (<c>age__bi</c> -> <c>age</c>).</summary>
    public static string BaseName(string column)
    {
        ArgumentNullException.ThrowIfNull(column);
        foreach (var suffix in ReservedSuffixes)
        {
            if (column.Length > suffix.Length && column.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return column[..^suffix.Length];
            }
        }

        return column;
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
