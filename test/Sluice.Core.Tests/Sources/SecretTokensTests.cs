using Sluice.Core.Sources;

namespace Sluice.Core.Tests.Sources;

public class SecretTokensTests
{
    [Fact]
    public void NewWebhookToken_Always_Is64LowercaseHex()
    {
        var token = SecretTokens.NewWebhookToken();
        Assert.Matches("^[0-9a-f]{64}$", token);
        Assert.True(SecretTokens.IsWebhookTokenShape(token));
    }

    [Fact]
    public void NewWebhookToken_ManyCalls_NeverRepeat()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => SecretTokens.NewWebhookToken()).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(1000, tokens.Count);
    }

    [Fact]
    public void NewApiToken_Always_HasPrefixAndAtLeast160Bits()
    {
        var token = SecretTokens.NewApiToken();
        Assert.Matches("^ac_[0-9a-f]{48}$", token);
        Assert.True(SecretTokens.IsApiTokenShape(token));
    }

    [Fact]
    public void Hash_KnownInput_IsLowercaseHexSha256()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SecretTokens.Hash("abc"));
    }

    [Fact]
    public void Matches_SameToken_IsTrue_OtherToken_IsFalse()
    {
        var token = SecretTokens.NewWebhookToken();
        var stored = SecretTokens.Hash(token);
        Assert.True(SecretTokens.Matches(token, stored));
        Assert.False(SecretTokens.Matches(SecretTokens.NewWebhookToken(), stored));
        Assert.False(SecretTokens.Matches(token, stored[..^1]));
    }

    [Fact]
    public void Hint_Token_IsItsLastFourCharacters()
    {
        Assert.Equal("beef", SecretTokens.Hint(new string('0', 60) + "beef"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0")]
    public void IsWebhookTokenShape_NotExactly64LowercaseHex_IsFalse(string token)
    {
        Assert.False(SecretTokens.IsWebhookTokenShape(token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ac_short")]
    [InlineData("xx_0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("ac_0123456789abcdef0123456789abcdef01234567-9abcdef")]
    public void IsApiTokenShape_Malformed_IsFalse(string token)
    {
        Assert.False(SecretTokens.IsApiTokenShape(token));
    }
}
