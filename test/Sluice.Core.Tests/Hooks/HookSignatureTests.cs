using System.Security.Cryptography;
using System.Text;
using Sluice.Core.Hooks;

namespace Sluice.Core.Tests.Hooks;

public class HookSignatureTests
{
    [Fact]
    public void Sign_MatchesTheStandardWebhooksConstruction()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var secret = "whsec_" + Convert.ToBase64String(key);
        var at = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        var signature = HookSignature.Sign(secret, "msg_1", at, "{\"a\":1}");

        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("msg_1.1700000000.{\"a\":1}")));
        Assert.Equal("v1," + expected, signature);
    }

    [Fact]
    public void Verify_AcceptsOwnSignatureAmongOthers_RejectsTamperedBody()
    {
        var secret = HookSignature.NewSecret();
        var at = DateTimeOffset.UtcNow;
        var header = "v1,bm9wZQ== " + HookSignature.Sign(secret, "msg_2", at, "body");

        Assert.True(HookSignature.Verify(secret, "msg_2", at, "body", header));
        Assert.False(HookSignature.Verify(secret, "msg_2", at, "body!", header));
        Assert.False(HookSignature.Verify(HookSignature.NewSecret(), "msg_2", at, "body", header));
    }

    [Fact]
    public void NewSecret_IsPrefixedAnd32RandomBytes()
    {
        var a = HookSignature.NewSecret();

        Assert.StartsWith("whsec_", a, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(a["whsec_".Length..]).Length);
        Assert.NotEqual(a, HookSignature.NewSecret());
    }
}
