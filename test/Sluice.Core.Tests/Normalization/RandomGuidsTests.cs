using Sluice.Core.Normalization;

namespace Sluice.Core.Tests.Normalization;

public class RandomGuidsTests
{
    [Fact]
    public void NewGuid_ManyAcrossRefills_AreDistinctVersion4Variant10()
    {
        var guids = Enumerable.Range(0, 1000).Select(_ => RandomGuids.NewGuid()).ToList();

        Assert.Equal(guids.Count, guids.Distinct().Count());
        Assert.All(guids, g =>
        {
            var text = g.ToString("D");
            Assert.Equal('4', text[14]);
            Assert.Contains(text[19], "89ab");
        });
    }
}
