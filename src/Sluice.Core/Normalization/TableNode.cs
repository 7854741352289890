namespace Sluice.Core.Normalization;

/// <summary>A table of the batch being planned: where it hangs, how deep, and the rows going into it.</summary>
internal sealed class TableNode(string name, string sourceTableName, string? parent, int depth)
{
    public string Name { get; } = name;

    public string SourceTableName { get; } = sourceTableName;

    public string? Parent { get; } = parent;

    public int Depth { get; } = depth;

    public List<RowDraft> Rows { get; } = [];

    public bool Rejected { get; set; }
}
