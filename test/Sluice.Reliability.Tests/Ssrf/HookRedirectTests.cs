using Sluice.Testing;

namespace Sluice.Reliability.Tests.Ssrf;

/// <summary>
/// Part 5 of issue 19, redirects: a hook that answers 301, 302, 307 or 308 is never followed (a public-looking URL could
/// send the request on to an internal one). Loopback is allowed here (<c>Hooks:AllowPrivateNetworks=true</c>) so a real
/// receiver can answer the redirect; the receiver it points to must get nothing, and the attempt records the redirect's
/// status as a failure, saying where it pointed and that it was not followed.
/// </summary>
public sealed class HookRedirectTests
{
    private const string HooksPath = "notifications/public/v1/api/hooks";

    [Fact]
    public async Task Redirects_AreNotFollowed_AndRecordedAsFailures()
    {
        await using var first = await HookReceiver.StartAsync();
        await using var second = await HookReceiver.StartAsync();
        await using var server = await SluiceServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Loading:Interval"] = "00:00:00.200",
            ["Hooks:AllowPrivateNetworks"] = "true",
            ["Hooks:TrustedCertificatePath"] = first.CertificatePath,
            ["Hooks:RetryDelays:0"] = "01:00:00",
        });
        var destination = (await HttpCall.GetAsync(server.Api, "v4/destinations")).AssertOk().Json[0].GetProperty("id").GetInt64();
        int[] statuses = [301, 302, 307, 308];
        var hooks = new Dictionary<int, long>();
        foreach (var status in statuses)
        {
            first.AnswerAlways($"/moved-{status}", HookAnswer.Redirect(status, second.Url($"landed-{status}")));
            var hook = await HttpCall.PostAsync(server.Api, HooksPath, new { type = "post_load", destination_id = destination, config = new { url = first.Url($"moved-{status}") } });
            hooks[status] = hook.AssertOk().Json.GetProperty("id").GetInt64();
        }

        var source = await server.CreateSourceAsync(server.Api, "redirect events");
        using (var content = new StringContent("""{"n":1}""", System.Text.Encoding.UTF8, "application/json"))
        using (var ingest = await server.Anonymous.PostAsync(source.WebhookUrl, content))
        {
            Assert.True(ingest.IsSuccessStatusCode);
        }

        foreach (var status in statuses)
        {
            var deliveries = await HttpCall.WaitForAsync(
                async () => (await HttpCall.GetAsync(server.Api, $"{HooksPath}/{hooks[status]}/deliveries")).AssertOk().Json.GetProperty("deliveries"),
                d => d.GetArrayLength() > 0 && d[0].GetProperty("attempt_count").GetInt32() >= 1,
                $"an attempt of the hook answering {status}");
            var attempt = deliveries[0].GetProperty("attempts")[0];
            Assert.Equal(status, attempt.GetProperty("status_code").GetInt32());
            var error = attempt.GetProperty("error").GetString()!;
            Assert.Contains($"Answered {status}", error, StringComparison.Ordinal);
            Assert.Contains("not followed", error, StringComparison.Ordinal);
            Assert.Contains(second.Url($"landed-{status}"), error, StringComparison.Ordinal);
            Assert.NotEqual("succeeded", deliveries[0].GetProperty("status").GetString());
            Assert.Equal(1, first.Count($"moved-{status}"));
        }

        // Give a follower time to have followed: nothing arrives at the second receiver.
        await Task.Delay(300);
        Assert.Equal(0, statuses.Sum(s => second.Count($"landed-{s}")));
    }
}
