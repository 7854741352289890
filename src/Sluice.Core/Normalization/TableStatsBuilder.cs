using Sluice.Core.Loading;

namespace Sluice.Core.Normalization;

/// <summary>Accumulates one table's figures during planning.</summary>
internal sealed class TableStatsBuilder(string table, string sourceTableName, string rootTable, long tableVersion, bool newVersion)
{
    private long _loaded;
    private long _rejected;
    private long? _minSequence;
    private long? _maxSequence;
    private DateTime? _maxReceivedAt;

    public void Loaded(long sequence, DateTime receivedAt)
    {
        _loaded++;
        _minSequence = _minSequence is { } min && min <= sequence ? min : sequence;
        _maxSequence = _maxSequence is { } max && max >= sequence ? max : sequence;
        _maxReceivedAt = _maxReceivedAt is { } latest && latest >= receivedAt ? latest : receivedAt;
    }

    public void Rejected(long rows = 1) => _rejected += rows;

    public TableLoadStats Build() =>
        new(table, sourceTableName, rootTable, _loaded, _rejected, _minSequence, _maxSequence, _maxReceivedAt, tableVersion, newVersion);
}
