namespace Sluice.Core.Normalization;

/// <summary>A table of the batch being planned: where it hangs, how deep, and the rows going into it.</summary>
/// <param name="expectedRows">How many rows to make room for (a guess: the list still grows past it).</param>
internal sealed class TableNode(string name, string sourceTableName, string? parent, int depth, int expectedRows = 0)
{
    public string Name { get; } = name;

    public string SourceTableName { get; } = sourceTableName;

    public string? Parent { get; } = parent;

    public int Depth { get; } = depth;

    public List<RowDraft> Rows { get; } = new(expectedRows);

    public bool Rejected { get; set; }

    /// <summary>The root table the table belongs to (itself for a root).</summary>
    public string Root { get; init; } = name;
}
