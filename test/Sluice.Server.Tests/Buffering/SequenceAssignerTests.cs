using Sluice.Server.Buffering;

namespace Sluice.Server.Tests.Buffering;

public class SequenceAssignerTests
{
    [Fact]
    public void Reserve_FirstRequest_StartsAtTheClock()
    {
        var assigner = new SequenceAssigner();

        Assert.Equal(1_000, assigner.Reserve(7, nowNanoseconds: 1_000, count: 3));
        Assert.Equal(1_002, assigner.LastFor(7));
    }

    [Fact]
    public void Reserve_SameNanosecond_ContinuesAboveTheLastOne()
    {
        var assigner = new SequenceAssigner();
        assigner.Reserve(7, 1_000, 3);

        Assert.Equal(1_003, assigner.Reserve(7, 1_000, 1));
    }

    [Fact]
    public void Reserve_ClockSteppedBack_StaysAboveThePersistedMark()
    {
        var assigner = new SequenceAssigner(new Dictionary<long, long> { [7] = 5_000 });

        Assert.Equal(5_001, assigner.Reserve(7, nowNanoseconds: 10, count: 2));
        Assert.Equal(5_002, assigner.LastFor(7));
    }

    [Fact]
    public void Reserve_OtherSource_HasItsOwnSequence()
    {
        var assigner = new SequenceAssigner(new Dictionary<long, long> { [7] = 5_000 });

        Assert.Equal(10, assigner.Reserve(8, nowNanoseconds: 10, count: 1));
    }

    [Fact]
    public void ToEpochNanoseconds_KnownInstant_CountsFromUnixEpoch()
    {
        var instant = DateTimeOffset.UnixEpoch.AddSeconds(2).AddTicks(3);

        Assert.Equal(2_000_000_300, SequenceAssigner.ToEpochNanoseconds(instant));
    }
}
