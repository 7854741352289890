using Sluice.Core.Loading;

namespace Sluice.Core.Tests.Loading;

/// <summary>The summary of a load made of several parts: what <c>_sluice_loads</c> and the post-load hooks get.</summary>
public sealed class LoadSummaryCombineTests
{
    private static readonly DateTime BatchedAt = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Combine_TwoParts_AddsRowsPerTableInFirstSeenOrderAndKeepsTheFirstLoadId()
    {
        var first = Summary(10, 19, BatchedAt.AddSeconds(-5), Stats("data", 10, 0, 10, 19), Stats("data__items", 30, 0, 10, 19));
        var second = Summary(20, 29, BatchedAt.AddSeconds(-1), Stats("data", 8, 2, 20, 29), Stats("data__tags", 4, 0, 21, 22), Stats("data__items", 0, 0, null, null));

        var load = LoadSummary.Combine([first, second]);

        Assert.Equal(first.LoadId, load.LoadId);
        Assert.Equal((BatchedAt, 10L, 29L, BatchedAt.AddSeconds(-1)), (load.BatchedAt, load.MinSequence, load.MaxSequence, load.MaxReceivedAt));
        Assert.Equal(
            [("data", 18L, 2L, 10L, 29L), ("data__items", 30L, 0L, 10L, 19L), ("data__tags", 4L, 0L, 21L, 22L)],
            load.Tables.Select(t => (t.Table, t.RowsLoaded, t.RowsRejected, t.MinSequence ?? -1, t.MaxSequence ?? -1)));
    }

    [Fact]
    public void Combine_PartOfAnotherSource_IsRefused()
    {
        var other = Summary(20, 29, BatchedAt, Stats("data", 1, 0, 20, 20)) with { SourceId = 2 };

        var error = Assert.Throws<ArgumentException>(() => LoadSummary.Combine([Summary(10, 19, BatchedAt), other]));

        Assert.Contains("source 2", error.Message, StringComparison.Ordinal);
    }

    private static LoadSummary Summary(long min, long max, DateTime maxReceivedAt, params TableLoadStats[] tables) =>
        new(Guid.NewGuid(), 1, "shop", BatchedAt, min, max, maxReceivedAt, tables);

    private static TableLoadStats Stats(string table, long loaded, long rejected, long? min, long? max) =>
        new(table, table == "data" ? "data" : table[6..], "data", loaded, rejected, min, max, max is null ? null : BatchedAt.AddSeconds(-max.Value));
}
