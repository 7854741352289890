using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sluice.Core.Integrations;

namespace Sluice.Core.Tests.Integrations;

/// <summary>
/// Every catalog provider that signs: a request signed as its documentation describes (computed here from the documented
/// recipe, not with <see cref="WebhookSignatures"/>'s code) passes; the same request with another secret, a changed body or
/// (where the recipe has one) a stale timestamp is refused, naming the header.
/// </summary>
public sealed class WebhookSignaturesTests
{
    private const string Secret = "s3cr3t-from-the-provider";
    private const string Url = "https://hooks.example.com/v1/clients/1/token/abc";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private static readonly string Body = """{"id":"evt_1","type":"ticket.created","data":{"object":{"id":"1","object":"charge"}}}""";

    private static string Ts(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static byte[] Sha256(string key, string message) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(message));

    private static byte[] Sha1(string key, string message) => HMACSHA1.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(message));

    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);

    private static string B64(byte[] b) => Convert.ToBase64String(b);

    /// <summary>The headers each provider sends for <paramref name="body"/> signed with <paramref name="secret"/> at <paramref name="at"/>, per its docs.</summary>
    private static Dictionary<string, string> Signed(string provider, string secret, string body, DateTimeOffset at) => provider switch
    {
        "github" => new() { ["X-Hub-Signature-256"] = "sha256=" + Hex(Sha256(secret, body)) },
        "shopify" => new() { ["X-Shopify-Hmac-Sha256"] = B64(Sha256(secret, body)) },
        "aftership" => new() { ["aftership-hmac-sha256"] = B64(Sha256(secret, body)) },
        "linear" => new() { ["Linear-Signature"] = Hex(Sha256(secret, body)) },
        "sentry" => new() { ["Sentry-Hook-Signature"] = Hex(Sha256(secret, body)) },
        "dropbox" => new() { ["X-Dropbox-Signature"] = Hex(Sha256(secret, body)) },
        "intercom" => new() { ["X-Hub-Signature"] = "sha1=" + Hex(Sha1(secret, body)) },
        "segment" => new() { ["X-Signature"] = Hex(Sha1(secret, body)) },
        "typeform" => new() { ["Typeform-Signature"] = "sha256=" + B64(Sha256(secret, body)) },
        "pagerduty" => new() { ["X-PagerDuty-Signature"] = "v1=" + Hex(Sha256("rotated-away", body)) + ",v1=" + Hex(Sha256(secret, body)) },
        "gitlab" => new() { ["X-Gitlab-Token"] = secret },
        "stripe" => new() { ["Stripe-Signature"] = $"t={Ts(at)},v1={Hex(Sha256(secret, Ts(at) + "." + body))}" },
        "calendly" => new() { ["Calendly-Webhook-Signature"] = $"t={Ts(at)},v1={Hex(Sha256(secret, Ts(at) + "." + body))}" },
        "slack" => new() { ["X-Slack-Request-Timestamp"] = Ts(at), ["X-Slack-Signature"] = "v0=" + Hex(Sha256(secret, $"v0:{Ts(at)}:{body}")) },
        "zoom" => new() { ["x-zm-request-timestamp"] = Ts(at), ["x-zm-signature"] = "v0=" + Hex(Sha256(secret, $"v0:{Ts(at)}:{body}")) },
        "customerio" => new() { ["X-CIO-Timestamp"] = Ts(at), ["X-CIO-Signature"] = Hex(Sha256(secret, $"v0:{Ts(at)}:{body}")) },
        "zendesk" => new() { ["X-Zendesk-Webhook-Signature-Timestamp"] = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), ["X-Zendesk-Webhook-Signature"] = B64(Sha256(secret, at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) + body)) },
        "hubspot" => new()
        {
            ["X-HubSpot-Request-Timestamp"] = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["X-HubSpot-Signature-v3"] = B64(Sha256(secret, "POST" + Url + body + at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture))),
        },
        "postmark" or "sparkpost" or "mailjet" => new() { ["Authorization"] = "Basic " + B64(Encoding.UTF8.GetBytes(secret)) },
        _ => throw new ArgumentException(provider),
    };

    public static TheoryData<string> BodySigners() =>
        ["github", "shopify", "aftership", "linear", "sentry", "dropbox", "intercom", "segment", "typeform", "pagerduty", "gitlab", "stripe", "calendly", "slack", "zoom", "customerio", "zendesk", "hubspot"];

    public static TheoryData<string> Timestamped() => ["stripe", "calendly", "slack", "zoom", "customerio", "zendesk", "hubspot"];

    private static SignatureRefusal? Verify(string provider, Dictionary<string, string> headers, string body, string secret = Secret, DateTimeOffset? now = null)
    {
        var rule = IntegrationCatalog.Find("webhook." + provider)!.Signature!;
        var request = new SignedRequest("POST", Url, name => headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value, Encoding.UTF8.GetBytes(body), null);
        return WebhookSignatures.Verify(rule, request, [secret], now ?? Now);
    }

    [Theory]
    [MemberData(nameof(BodySigners))]
    public void Verify_SignedAsDocumented_Passes_OtherSecretOrChangedBody_RefusedNamingTheHeader(string provider)
    {
        var rule = IntegrationCatalog.Find("webhook." + provider)!.Signature!;
        Assert.Null(Verify(provider, Signed(provider, Secret, Body, Now), Body));

        var wrongSecret = Verify(provider, Signed(provider, "another-secret", Body, Now), Body);
        Assert.NotNull(wrongSecret);
        Assert.Equal(rule.Header, wrongSecret.Header);
        Assert.DoesNotContain(Hex(Sha256(Secret, Body)), wrongSecret.Reason, StringComparison.Ordinal);
        if (provider != "gitlab")
        {
            Assert.NotNull(Verify(provider, Signed(provider, Secret, Body, Now), Body.Replace("evt_1", "evt_2", StringComparison.Ordinal)));
        }

        var missing = Verify(provider, [], Body);
        Assert.NotNull(missing);
        Assert.Contains("missing", missing.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Timestamped))]
    public void Verify_TimestampOlderThanFiveMinutes_RefusedAsStale_WithinIt_Passes(string provider)
    {
        var stale = Verify(provider, Signed(provider, Secret, Body, Now.AddMinutes(-6)), Body);
        Assert.NotNull(stale);
        Assert.Contains("old; at most 300 s are allowed", stale.Reason, StringComparison.Ordinal);
        Assert.Null(Verify(provider, Signed(provider, Secret, Body, Now.AddMinutes(-4)), Body));
        Assert.NotNull(Verify(provider, Signed(provider, Secret, Body, Now.AddMinutes(6)), Body)); // from the future
    }

    [Theory]
    [InlineData("postmark")]
    [InlineData("sparkpost")]
    [InlineData("mailjet")]
    public void Verify_BasicAuth_TheUserAndPasswordSetInTheProvider(string provider)
    {
        Assert.Null(Verify(provider, Signed(provider, "sluice:pa55word", Body, Now), Body, "sluice:pa55word"));
        Assert.NotNull(Verify(provider, Signed(provider, "sluice:guess", Body, Now), Body, "sluice:pa55word"));
    }

    [Fact]
    public void Verify_Mailgun_SignatureObjectOfTheBody_TimestampAndTokenSignedWithTheKey()
    {
        var timestamp = Ts(Now);
        const string token = "e7b0c3a5f0d24c4c8b9f0f7a2d3c1b5a6e7f8091a2b3c4d5e6";
        string Body(string key, string ts) =>
            """{"signature":{"timestamp":"TS","token":"TOKEN","signature":"SIG"},"event-data":{"event":"delivered","id":"CPgfbmQMTCKtHW6uIWtuVe","recipient":"alice@example.com"}}"""
                .Replace("TS", ts, StringComparison.Ordinal).Replace("TOKEN", token, StringComparison.Ordinal).Replace("SIG", Hex(Sha256(key, ts + token)), StringComparison.Ordinal);
        var rule = IntegrationCatalog.Find("webhook.mailgun")!.Signature!;
        SignatureRefusal? Check(string body) => WebhookSignatures.Verify(rule, new SignedRequest("POST", Url, _ => null, Encoding.UTF8.GetBytes(body), null), [Secret], Now);

        Assert.Null(Check(Body(Secret, timestamp)));
        Assert.NotNull(Check(Body("other-key", timestamp)));
        Assert.Contains("old", Check(Body(Secret, Ts(Now.AddMinutes(-10))))!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RotationOverlap_EitherLiveSecretPasses()
    {
        var rule = IntegrationCatalog.Find("webhook.github")!.Signature!;
        var headers = Signed("github", "old-secret", Body, Now);
        var request = new SignedRequest("POST", Url, name => headers.GetValueOrDefault(name), Encoding.UTF8.GetBytes(Body), null);

        Assert.Null(WebhookSignatures.Verify(rule, request, ["new-secret", "old-secret"], Now));
        Assert.NotNull(WebhookSignatures.Verify(rule, request, ["new-secret"], Now));
    }

    [Fact]
    public void Catalog_HasThirtyOrMoreEntries_UniqueNames_EveryStepHasTheUrlOrNone_AndEverySignerSaysWhereItsSecretIs()
    {
        Assert.True(IntegrationCatalog.All.Count >= 30);
        Assert.Equal(IntegrationCatalog.All.Count, IntegrationCatalog.All.Select(i => i.Name).Distinct().Count());
        Assert.All(IntegrationCatalog.All, i => Assert.Contains(i.Steps, s => s.Contains("{webhook_url}", StringComparison.Ordinal) || s.Contains("Copy the webhook URL", StringComparison.Ordinal)));
        Assert.All(IntegrationCatalog.All.Where(i => i.Signature is not null), i => Assert.False(string.IsNullOrWhiteSpace(i.Signature!.SecretHelp), i.Name));
        Assert.All(IntegrationCatalog.All.Where(i => i.Layout.TableFrom is not null), i => Assert.NotNull(Sluice.Core.Sources.TableRoute.Parse(i.Layout.TableFrom!, out _)));
    }
}
