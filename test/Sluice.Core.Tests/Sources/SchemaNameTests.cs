using Sluice.Core.Sources;

namespace Sluice.Core.Tests.Sources;

public class SchemaNameTests
{
    [Theory]
    [InlineData("Stitch Incoming Webhooks", "stitch_incoming_webhooks")]
    [InlineData("Shop Events", "shop_events")]
    [InlineData("Shop.Events (EU)", "shopevents_eu")]
    [InlineData("my-app-events", "my_app_events")]
    [InlineData("  Padded Name  ", "padded_name")]
    [InlineData("Mixed_Case_123", "mixed_case_123")]
    public void FromDisplayName_DocumentedRule_LowercasesRemovesAndReplaces(string displayName, string expected)
    {
        Assert.Equal(expected, SchemaName.FromDisplayName(displayName));
    }

    [Theory]
    [InlineData("shop_events")]
    [InlineData("_private")]
    [InlineData("a")]
    [InlineData("events2")]
    [InlineData("sdc_is_fine_without_underscore")]
    public void Validate_ValidName_ReturnsNull(string name)
    {
        Assert.Null(SchemaName.Validate(name));
    }

    [Fact]
    public void Validate_SixtyThreeCharacters_IsAllowed()
    {
        Assert.Null(SchemaName.Validate(new string('a', 63)));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("2fast", "must start with a lowercase letter")]
    [InlineData("Shop", "must start with a lowercase letter")]
    [InlineData("shop$events", "contains '$'")]
    [InlineData("café", "contains 'é'")]
    [InlineData("shop events", "contains ' '")]
    [InlineData("_sdc_things", "reserved prefix")]
    [InlineData("_rjm", "reserved prefix")]
    [InlineData("_sluice", "reserved for Sluice")]
    [InlineData("pg_orders", "reserved by the database engines")]
    [InlineData("information_schema", "reserved by the database engines")]
    public void Validate_InvalidName_SaysWhatIsWrong(string name, string expectedFragment)
    {
        var error = SchemaName.Validate(name);
        Assert.NotNull(error);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SixtyFourCharacters_IsRejectedWithTheLimit()
    {
        var error = SchemaName.Validate(new string('a', 64));
        Assert.NotNull(error);
        Assert.Contains("at most 63", error, StringComparison.Ordinal);
    }
}
