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
}
