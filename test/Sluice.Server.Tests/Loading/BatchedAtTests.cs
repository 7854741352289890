using Sluice.Core.Buffering;
using Sluice.Server.Loading;

namespace Sluice.Server.Tests.Loading;

/// <summary>
/// <c>_sdc_batched_at</c> is a watermark: a load's later parts share the batched-at its first part took, so a record
/// received after it must wait for the next load instead of being batched before it arrived.
/// </summary>
public sealed class BatchedAtTests
{
    private static readonly DateTimeOffset BatchedAt = new(2026, 12, 6, 14, 34, 21, TimeSpan.Zero);

    [Fact]
    public void ReceivedBy_ReadGoesPastTheBatchedAt_StopsAtTheFirstRecordReceivedLater()
    {
        // As seen under load: received 14:34:21.777551, batched 14:34:21.777259.
        var records = new[]
        {
            Record(1, BatchedAt.AddMilliseconds(-5)),
            Record(2, BatchedAt),
            Record(3, BatchedAt.AddTicks(2920)),
            Record(4, BatchedAt.AddMilliseconds(-1)),
        };

        var kept = SourceLoader.ReceivedBy(records, BatchedAt.UtcDateTime);

        Assert.Equal([1L, 2L], kept.Select(r => r.Sequence));
        Assert.All(kept, r => Assert.True(r.ReceivedAt.UtcDateTime <= BatchedAt.UtcDateTime));
    }

    [Fact]
    public void ReceivedBy_FirstRecordReceivedLater_KeepsNothingForThisLoad()
    {
        Assert.Empty(SourceLoader.ReceivedBy([Record(7, BatchedAt.AddTicks(1)), Record(8, BatchedAt)], BatchedAt.UtcDateTime));
    }

    [Fact]
    public void ReceivedBy_EveryRecordReceivedBefore_KeepsTheWholeRead()
    {
        var records = new[] { Record(1, BatchedAt.AddSeconds(-2)), Record(2, BatchedAt.AddSeconds(-1)) };

        Assert.Same(records, SourceLoader.ReceivedBy(records, BatchedAt.UtcDateTime));
    }

    private static BufferedRecord Record(long sequence, DateTimeOffset receivedAt) => new(1, sequence, receivedAt, """{"id":1}""");
}
