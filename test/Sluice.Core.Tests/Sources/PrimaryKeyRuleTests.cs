using Sluice.Core.Sources;

namespace Sluice.Core.Tests.Sources;

public class PrimaryKeyRuleTests
{
    [Theory]
    [InlineData("id")]
    [InlineData("event_id")]
    [InlineData("Order ID")]
    [InlineData("$id")]
    public void Validate_TopLevelFieldName_ReturnsNull(string fieldName)
    {
        Assert.Null(PrimaryKeyRule.Validate(fieldName));
    }

    [Fact]
    public void Validate_FiftyCharacters_IsAllowed()
    {
        Assert.Null(PrimaryKeyRule.Validate(new string('k', 50)));
    }

    [Fact]
    public void Validate_FiftyOneCharacters_IsRejectedWithTheLimit()
    {
        var error = PrimaryKeyRule.Validate(new string('k', 51));
        Assert.NotNull(error);
        Assert.Contains("51 characters", error, StringComparison.Ordinal);
        Assert.Contains("at most 50", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("user.id", '.')]
    [InlineData("items[0]", '[')]
    [InlineData("a]", ']')]
    [InlineData("data/id", '/')]
    public void Validate_PathIntoNestedData_IsRejected(string fieldName, char offending)
    {
        var error = PrimaryKeyRule.Validate(fieldName);
        Assert.NotNull(error);
        Assert.Contains($"contains '{offending}'", error, StringComparison.Ordinal);
        Assert.Contains("top-level", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_EmptyOrWhitespace_IsRejected(string fieldName)
    {
        var error = PrimaryKeyRule.Validate(fieldName);
        Assert.NotNull(error);
        Assert.Contains("empty", error, StringComparison.Ordinal);
    }
}
