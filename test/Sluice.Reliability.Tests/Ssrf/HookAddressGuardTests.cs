using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Reliability.Tests.Ssrf;

/// <summary>
/// Part 5 of issue 19: with the default <c>Hooks:AllowPrivateNetworks=false</c>, a hook aimed at loopback, private,
/// link-local, CGNAT, metadata or unspecified addresses (in every spelling, and behind a DNS name) is refused after
/// resolution, before anything is connected to: a real HTTPS receiver on loopback, whose certificate the server trusts, gets
/// no request at all. The delivery log says why at the first attempt, and the delivery fails for good at once (waiting does
/// not change an address), with its in-app notification.
/// </summary>
public sealed class HookAddressGuardTests(ITestOutputHelper output)
{
    private const string HooksPath = "notifications/public/v1/api/hooks";

    /// <summary>Hosts as they are written in a hook URL.</summary>
    private static readonly string[] Targets =
    [
        "127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]", "2130706433", "0177.0.0.1", "0x7f.1", "169.254.169.254",
        "10.0.0.1", "172.16.0.1", "192.168.1.1", "100.64.0.1", "[fd00::1]", "[fe80::1]", "0.0.0.0",
    ];

    [Fact]
    public async Task PrivateTargets_AreRefusedAfterResolution_FailAtOnce_AndReachNothing()
    {
        await using var receiver = await HookReceiver.StartAsync();
        await using var server = await SluiceServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Loading:Interval"] = "00:00:00.200",
            ["Hooks:TrustedCertificatePath"] = receiver.CertificatePath,
            ["Hooks:Timeout"] = "00:00:03",
        });
        var loopbackName = await LoopbackNameAsync();
        output.WriteLine($"DNS name resolving to loopback: {loopbackName}");
        var targets = Targets.Append(loopbackName).ToList();

        // At most 10 hooks per account: the targets are spread over accounts of 8.
        var hooks = new List<(string Target, long HookId, HttpClient Api, long ClientId)>();
        var refusedAtCreation = new List<string>();
        foreach (var chunk in targets.Chunk(8))
        {
            var account = await server.CreateAccountAsync();
            var destination = (await HttpCall.GetAsync(account.Api, "v4/destinations")).AssertOk().Json[0].GetProperty("id").GetInt64();
            foreach (var target in chunk)
            {
                var url = $"https://{target}:{receiver.Port}/ssrf/{Uri.EscapeDataString(target)}";
                var created = await HttpCall.PostAsync(account.Api, HooksPath, new { type = "post_load", destination_id = destination, config = new { url } });
                if (created.Status == HttpStatusCode.OK)
                {
                    hooks.Add((target, created.Json.GetProperty("id").GetInt64(), account.Api, account.ClientId));
                }
                else
                {
                    // Refused at creation is allowed, with a reason a user can act on.
                    Assert.True(created.Status == HttpStatusCode.BadRequest && created.Body.Contains("URL", StringComparison.Ordinal), $"{url}: {created}");
                    refusedAtCreation.Add(target);
                }
            }

            var source = await server.CreateSourceAsync(account.Api, "ssrf events");
            using var content = new StringContent("""{"n":1}""", System.Text.Encoding.UTF8, "application/json");
            using var ingest = await server.Anonymous.PostAsync(source.WebhookUrl, content);
            Assert.True(ingest.IsSuccessStatusCode);
        }

        output.WriteLine($"{hooks.Count} hooks created, refused at creation: {string.Join(", ", refusedAtCreation)}");
        var failures = new List<string>();
        foreach (var (target, hookId, api, _) in hooks)
        {
            // Failed for good within seconds: one attempt, no retry scheduled (the default schedule would wait 10 s, then hours).
            var delivery = await HttpCall.WaitForAsync(
                async () => (await HttpCall.GetAsync(api, $"{HooksPath}/{hookId}/deliveries")).AssertOk().Json.GetProperty("deliveries"),
                d => d.GetArrayLength() > 0 && d[0].GetProperty("attempt_count").GetInt32() >= 1,
                $"an attempt of the hook to {target}",
                seconds: 20);
            var first = delivery[0];
            var error = first.GetProperty("attempts")[0].GetProperty("error").GetString() ?? string.Empty;
            if (!error.Contains("Refused to connect", StringComparison.Ordinal) || !error.Contains("Hooks:AllowPrivateNetworks", StringComparison.Ordinal))
            {
                failures.Add($"{target}: the attempt's error does not say it was refused and what allows it: {error}");
            }

            if (first.GetProperty("status").GetString() != "failed" || first.GetProperty("next_attempt_at").ValueKind != JsonValueKind.Null)
            {
                failures.Add($"{target}: a refused address must fail the delivery at once, not retry: status {first.GetProperty("status")}, next attempt {first.GetProperty("next_attempt_at")}, error {error}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(0, targets.Sum(t => receiver.Count($"/ssrf/{Uri.EscapeDataString(t)}")));

        // Each account with a refused delivery has its in-app notification, saying why.
        foreach (var api in hooks.Select(h => h.Api).Distinct())
        {
            var notifications = await HttpCall.WaitForAsync(
                () => HttpCall.GetAsync(api, "v4/notifications"), c => c.Json.GetArrayLength() > 0, "an in-app notification of the refused hooks", seconds: 10);
            Assert.Contains("Refused to connect", notifications.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RefusedAddress_IsShownInTheWebDeliveryLog()
    {
        await using var receiver = await HookReceiver.StartAsync();
        await using var server = await SluiceServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Loading:Interval"] = "00:00:00.200",
            ["Hooks:TrustedCertificatePath"] = receiver.CertificatePath,
        });
        var destination = (await HttpCall.GetAsync(server.Api, "v4/destinations")).AssertOk().Json[0].GetProperty("id").GetInt64();
        var hook = await HttpCall.PostAsync(server.Api, HooksPath, new { type = "post_load", destination_id = destination, config = new { url = receiver.Url("web-log") } });
        var hookId = hook.AssertOk().Json.GetProperty("id").GetInt64();
        var source = await server.CreateSourceAsync(server.Api, "ssrf web");
        using (var content = new StringContent("""{"n":1}""", System.Text.Encoding.UTF8, "application/json"))
        using (var ingest = await server.Anonymous.PostAsync(source.WebhookUrl, content))
        {
            Assert.True(ingest.IsSuccessStatusCode);
        }

        await HttpCall.WaitForAsync(
            async () => (await HttpCall.GetAsync(server.Api, $"{HooksPath}/{hookId}/deliveries")).AssertOk().Json.GetProperty("deliveries"),
            d => d.GetArrayLength() > 0 && d[0].GetProperty("status").GetString() == "failed",
            "the delivery failed for good");

        var password = (await File.ReadAllTextAsync(Path.Combine(server.DataDir, "admin-password"))).Trim();
        using var session = await Isolation.WebSession.SignInAsync(server.BaseAddress, Sluice.Server.Accounts.UserService.FirstUserEmail, password);
        var page = await session.GetAsync($"/hooks/{hookId}/deliveries");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var text = WebUtility.HtmlDecode(page.Body);
        Assert.Contains("Refused to connect to 127.0.0.1: it resolves to 127.0.0.1, a loopback address", text, StringComparison.Ordinal);
        Assert.Equal(0, receiver.Count("web-log"));
    }

    /// <summary>
    /// A DNS name (not an IP literal, not plain <c>localhost</c>) that this machine resolves only to loopback: RFC 6761's
    /// <c>*.localhost</c> or <c>localhost.</c> where the resolver knows them, else a loopback name from /etc/hosts.
    /// </summary>
    private static async Task<string> LoopbackNameAsync()
    {
        var candidates = new List<string> { "sluice-ssrf.localhost", "localhost.", "ip6-localhost" };
        if (File.Exists("/etc/hosts"))
        {
            foreach (var line in await File.ReadAllLinesAsync("/etc/hosts"))
            {
                var fields = line.Split('#')[0].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 1 && IPAddress.TryParse(fields[0], out var address) && IPAddress.IsLoopback(address))
                {
                    candidates.AddRange(fields.Skip(1).Where(n => n != "localhost"));
                }
            }
        }

        foreach (var name in candidates)
        {
            try
            {
                var addresses = await Dns.GetHostAddressesAsync(name);
                if (addresses.Length > 0 && addresses.All(IPAddress.IsLoopback))
                {
                    return name;
                }
            }
            catch (SocketException)
            {
                // Not known here: try the next.
            }
        }

        throw new InvalidOperationException($"No DNS name resolves to loopback here (tried {string.Join(", ", candidates)}).");
    }
}
