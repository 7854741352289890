using System.Collections;
using System.Globalization;
using System.Numerics;

namespace Sluice.Core.Loading;

/// <summary>A result column: its name and the engine's type name (<c>BIGINT</c>, <c>text</c>, ...).</summary>
public sealed record QueryColumn(string Name, string Type);

/// <summary>
/// The answer to one query. Values are JSON-friendly: <see cref="long"/>, <see cref="double"/>, <see cref="decimal"/>,
/// <see cref="string"/>, <see cref="bool"/>, <see cref="DateTime"/> (UTC) or null; anything else arrives as its text.
/// When <see cref="Error"/> is set the statement was refused or failed and there are no columns or rows.
/// </summary>
public sealed record QueryResult(IReadOnlyList<QueryColumn> Columns, IReadOnlyList<object?[]> Rows, bool Truncated, string? Error)
{
    public bool Succeeded => Error is null;

    public static QueryResult Failed(string error) => new([], [], false, error);

    /// <summary>An engine value as a JSON-friendly one: numbers, text, booleans, UTC times, lists and maps of those.</summary>
    public static object? JsonFriendly(object? value) => value switch
    {
        null or DBNull => null,
        long or int or short or sbyte or byte or ushort or uint or double or float or decimal or bool or string => value,
        ulong u => u <= long.MaxValue ? (long)u : (decimal)u,
        DateTime t => t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc),
        DateTimeOffset t => t.UtcDateTime,
        BigInteger b => b.ToString(CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToBase64String(bytes),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IDictionary map => map.Keys.Cast<object>().ToDictionary(k => Convert.ToString(k, CultureInfo.InvariantCulture) ?? string.Empty, k => JsonFriendly(map[k])),
        IEnumerable list => list.Cast<object?>().Select(JsonFriendly).ToList(),
        _ => value.ToString(),
    };
}
