using System.Globalization;
using System.Net.Sockets;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Core.Hooks;
using Sluice.Server.Deliveries;
using Sluice.Server.Tests.Api;
using Sluice.Testing;

namespace Sluice.Server.Tests.Hooks;

/// <summary>
/// The dispatcher against a real HTTPS receiver on loopback, with the retry schedule driven by a fake clock: headers and
/// signature, retries on 500, refused connections and timeouts, the stop after five retries, the failure notification,
/// disabled hooks, replay, and a dead endpoint that must not hold up a healthy one.
/// </summary>
public sealed class DispatcherTests
{
    private static readonly TimeSpan[] Schedule = [.. RetrySchedule.DefaultDelays];

    private static DateTime Time(JsonElement value) =>
        DateTime.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static async Task<ApiCall> NotificationsAsync(HttpClient api) => await ApiCall.GetAsync(api, "v4/notifications");

    [Fact]
    public async Task Deliver_PostsJsonWithStitchAndStandardWebhooksHeaders_SignatureVerifiesWithTheSecret()
    {
        await using var harness = await HookHarness.StartAsync();
        var (hook, secret) = await harness.CreateHookAsync(harness.Receiver.Url("orders"));

        await harness.LoadAsync("shop", 1, "orders");

        var request = (await harness.Receiver.WaitForRequestsAsync("orders", 1)).Single();
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("StitchLoadingWebhook", request.Header("User-Agent"));
        var id = request.Header("webhook-id");
        var timestamp = DateTimeOffset.FromUnixTimeSeconds(long.Parse(request.Header("webhook-timestamp"), CultureInfo.InvariantCulture));
        Assert.True(HookSignature.Verify(secret, id, timestamp, request.Body, request.Header("webhook-signature")));
        Assert.False(HookSignature.Verify(HookSignature.NewSecret(), id, timestamp, request.Body, request.Header("webhook-signature")));
        Assert.Equal(harness.Clock.GetUtcNow().ToUnixTimeSeconds(), timestamp.ToUnixTimeSeconds());

        using var payload = JsonDocument.Parse(request.Body);
        Assert.Equal("shop", payload.RootElement.GetProperty("integration_name").GetString());
        Assert.Equal("orders", payload.RootElement.GetProperty("destination_root_table_name").GetString());

        var delivery = await harness.WaitForDeliveryAsync(hook, d => d.GetProperty("status").GetString() == "succeeded", "succeeded");
        Assert.Equal(id, delivery.GetProperty("webhook_id").GetString());
        var attempt = delivery.GetProperty("attempts").EnumerateArray().Single();
        Assert.Equal(200, attempt.GetProperty("status_code").GetInt32());
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("next_attempt_at").ValueKind);
        Assert.Equal(request.Body, delivery.GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Retry_EndpointAlwaysAnswers500_FiveRetriesOnTheScheduleThenOneNotificationAndNoMore()
    {
        await using var harness = await HookHarness.StartAsync();
        harness.Receiver.AnswerAlways("down", HookAnswer.ServerError);
        var (hook, _) = await harness.CreateHookAsync(harness.Receiver.Url("down"));
        await harness.LoadAsync("shop", 1, "orders");

        var delivery = await harness.WaitForAttemptsAsync(hook, 1);
        for (var retry = 0; retry < Schedule.Length; retry++)
        {
            Assert.Equal("pending", delivery.GetProperty("status").GetString());
            var lastStart = Time(delivery.GetProperty("attempts")[retry].GetProperty("started_at"));
            Assert.Equal(lastStart + Schedule[retry], Time(delivery.GetProperty("next_attempt_at")));

            harness.Clock.Advance(Schedule[retry] - TimeSpan.FromMilliseconds(1));
            await harness.AssertNothingDueAsync();
            Assert.Equal(retry + 1, harness.Receiver.Requests("down").Count);

            // The advance woke the dispatcher; the last millisecond may pass while its round is still claiming nothing, and
            // the delivery that came due then must still go at once, not after a DispatchPollInterval this clock never reaches.
            harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
            delivery = await harness.WaitForAttemptsAsync(hook, retry + 2);
        }

        delivery = await harness.WaitForDeliveryAsync(hook, d => d.GetProperty("status").GetString() == "failed", "failed");
        var attempts = delivery.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(6, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(500, a.GetProperty("status_code").GetInt32()));
        Assert.All(attempts, a => Assert.StartsWith("Answered 500", a.GetProperty("error").GetString(), StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("next_attempt_at").ValueKind);

        // Every retry carries the same webhook-id, so a receiver can drop duplicates.
        var requests = harness.Receiver.Requests("down");
        Assert.Single(requests.Select(r => r.Header("webhook-id")).Distinct());

        harness.Clock.Advance(TimeSpan.FromHours(3));
        await harness.AssertNothingPendingAsync();
        Assert.Equal(6, harness.Receiver.Requests("down").Count);

        var notifications = (await NotificationsAsync(harness.Server.Api)).Json.EnumerateArray()
            .Where(n => n.GetProperty("code").GetString() == "undeliverable-post-load").ToList();
        var notification = Assert.Single(notifications);
        Assert.Equal("warning", notification.GetProperty("level").GetString());
        Assert.Contains(harness.Receiver.Url("down"), notification.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("'orders'", notification.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_SucceedsOnTheThirdAttempt_StopsRetrying()
    {
        await using var harness = await HookHarness.StartAsync();
        harness.Receiver.Answer("flaky", HookAnswer.ServerError, HookAnswer.Drop);
        var (hook, _) = await harness.CreateHookAsync(harness.Receiver.Url("flaky"));
        await harness.LoadAsync("shop", 1, "orders");

        await harness.WaitForAttemptsAsync(hook, 1);
        harness.Clock.Advance(Schedule[0]);
        var second = await harness.WaitForAttemptsAsync(hook, 2);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("attempts")[1].GetProperty("status_code").ValueKind);
        Assert.False(string.IsNullOrEmpty(second.GetProperty("attempts")[1].GetProperty("error").GetString()));
        harness.Clock.Advance(Schedule[1]);
        var delivery = await harness.WaitForDeliveryAsync(hook, d => d.GetProperty("status").GetString() == "succeeded", "succeeded");

        harness.Clock.Advance(TimeSpan.FromHours(2));
        await harness.AssertNothingPendingAsync();
        Assert.Equal(3, harness.Receiver.Requests("flaky").Count);
        Assert.Equal(3, delivery.GetProperty("attempt_count").GetInt32());
        Assert.Equal(200, delivery.GetProperty("last_status_code").GetInt32());
        Assert.DoesNotContain((await NotificationsAsync(harness.Server.Api)).Json.EnumerateArray(),
            n => n.GetProperty("code").GetString() == "undeliverable-post-load");
    }

    [Fact]
    public async Task Retry_ConnectionRefused_RecordsTheErrorAndRetriesOnSchedule()
    {
        await using var harness = await HookHarness.StartAsync();
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var (hook, _) = await harness.CreateHookAsync($"https://127.0.0.1:{port}/gone");
        await harness.LoadAsync("shop", 1, "orders");

        var delivery = await harness.WaitForAttemptsAsync(hook, 1);
        var attempt = delivery.GetProperty("attempts")[0];
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("status_code").ValueKind);
        Assert.Contains("refused", attempt.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("pending", delivery.GetProperty("status").GetString());

        harness.Clock.Advance(Schedule[0]);
        delivery = await harness.WaitForAttemptsAsync(hook, 2);
        Assert.Contains("refused", delivery.GetProperty("attempts")[1].GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Retry_NoResponseWithinTheTimeout_RecordsATimeoutAndTheRetrySucceeds()
    {
        await using var harness = await HookHarness.StartAsync();
        harness.Receiver.Answer("slow", HookAnswer.NoAnswer);
        var (hook, _) = await harness.CreateHookAsync(harness.Receiver.Url("slow"));
        await harness.LoadAsync("shop", 1, "orders");
        await harness.Receiver.WaitForRequestsAsync("slow", 1);

        harness.Clock.Advance(TimeSpan.FromSeconds(30));
        var delivery = await harness.WaitForAttemptsAsync(hook, 1);
        var attempt = delivery.GetProperty("attempts")[0];
        Assert.Equal("No response within 30 s (Hooks:Timeout).", attempt.GetProperty("error").GetString());
        Assert.Equal(30_000, attempt.GetProperty("duration_ms").GetInt64());

        harness.Clock.Advance(Schedule[0]);
        delivery = await harness.WaitForDeliveryAsync(hook, d => d.GetProperty("status").GetString() == "succeeded", "succeeded");
        Assert.Equal(2, delivery.GetProperty("attempt_count").GetInt32());
    }

    [Fact]
    public async Task Disable_HookWithARetryPending_GetsNothingMoreAndNoNotification()
    {
        await using var harness = await HookHarness.StartAsync();
        harness.Receiver.Answer("paused", HookAnswer.ServerError);
        var (hook, _) = await harness.CreateHookAsync(harness.Receiver.Url("paused"));
        var (other, _) = await harness.CreateHookAsync(harness.Receiver.Url("other"));
        (await ApiCall.PutAsync(harness.Server.Api, $"{HookHarness.HooksPath}/{other}", """{"enable":false}""")).AssertOk();
        await harness.LoadAsync("shop", 1, "orders");
        await harness.WaitForAttemptsAsync(hook, 1);

        (await ApiCall.PutAsync(harness.Server.Api, $"{HookHarness.HooksPath}/{hook}", """{"enable":false}""")).AssertOk();
        harness.Clock.Advance(TimeSpan.FromHours(2));
        await harness.WaitForDeliveryAsync(hook, d => d.GetProperty("status").GetString() == "failed", "failed");
        await harness.AssertNothingPendingAsync();

        Assert.Single(harness.Receiver.Requests("paused"));
        Assert.Empty(harness.Receiver.Requests("other"));
        Assert.Equal(0, (await harness.DeliveriesAsync(other)).GetArrayLength());
        var delivery = (await harness.DeliveriesAsync(hook))[0];
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(DeliveryStore.DisabledHookError, delivery.GetProperty("last_error").GetString());
        Assert.DoesNotContain((await NotificationsAsync(harness.Server.Api)).Json.EnumerateArray(),
            n => n.GetProperty("code").GetString() == "undeliverable-post-load");
    }

    [Fact]
    public async Task Replay_IsSentAtOnceWithANewWebhookId()
    {
        await using var harness = await HookHarness.StartAsync();
        var (hook, _) = await harness.CreateHookAsync(harness.Receiver.Url("again"));
        await harness.LoadAsync("shop", 1, "orders");
        var original = await harness.WaitForDeliveryAsync(hook, d => d.GetProperty("status").GetString() == "succeeded", "succeeded");

        // No clock advance: only the replay's wake-up can start the send.
        (await ApiCall.PostAsync(harness.Server.Api, $"{HookHarness.HooksPath}/{hook}/deliveries/{original.GetProperty("id").GetInt64()}/replay", "")).AssertOk();

        var requests = await harness.Receiver.WaitForRequestsAsync("again", 2);
        Assert.NotEqual(requests[0].Header("webhook-id"), requests[1].Header("webhook-id"));
        Assert.Equal(requests[0].Body, requests[1].Body);
    }

    [Fact]
    public async Task Dispatch_DeadEndpoint_UsesOnlyItsOwnSlotsAndTheHealthyHookGetsEverything()
    {
        await using var harness = await HookHarness.StartAsync(new Dictionary<string, string?> { ["Hooks:MaxConcurrencyPerHook"] = "2" });
        harness.Receiver.AnswerAlways("dead", HookAnswer.NoAnswer);
        await harness.CreateHookAsync(harness.Receiver.Url("dead"));
        await harness.CreateHookAsync(harness.Receiver.Url("healthy"));

        for (var i = 0; i < 5; i++)
        {
            await harness.LoadAsync("shop", 1, "orders", "customers", "refunds");
        }

        var healthy = await harness.Receiver.WaitForRequestsAsync("healthy", 15);
        Assert.Equal(15, healthy.Select(r => r.Header("webhook-id")).Distinct().Count());
        Assert.Equal(2, harness.Receiver.Requests("dead").Count);
    }

    [Fact]
    public async Task Ssrf_LoopbackWithoutAllowPrivateNetworks_IsRefusedAndRecorded()
    {
        await using var harness = await HookHarness.StartAsync(new Dictionary<string, string?> { ["Hooks:AllowPrivateNetworks"] = "false" });
        var (hook, _) = await harness.CreateHookAsync(harness.Receiver.Url("inside"));
        var (named, _) = await harness.CreateHookAsync($"https://localhost:{harness.Receiver.Port}/inside");
        await harness.LoadAsync("shop", 1, "orders");

        var delivery = await harness.WaitForAttemptsAsync(hook, 1);
        var byName = await harness.WaitForAttemptsAsync(named, 1);

        Assert.Empty(harness.Receiver.Requests("inside"));
        var error = delivery.GetProperty("attempts")[0].GetProperty("error").GetString();
        Assert.Equal(
            "Refused to connect to 127.0.0.1: it resolves to 127.0.0.1, a loopback address. Hooks may only reach public addresses unless Hooks:AllowPrivateNetworks is true. "
            + "Not retried: fix the hook's URL (or the setting), then replay the delivery.",
            error);
        Assert.StartsWith("Refused to connect to localhost: it resolves to ", byName.GetProperty("attempts")[0].GetProperty("error").GetString(), StringComparison.Ordinal);

        // Waiting does not change an address: failed for good at the first attempt, not retried for hours.
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("next_attempt_at").ValueKind);
    }

    [Fact]
    public async Task Tls_ReceiverCertificateNotTrusted_AttemptFailsWithTheCertificateError()
    {
        await using var harness = await HookHarness.StartAsync(new Dictionary<string, string?> { ["Hooks:TrustedCertificatePath"] = "" });
        var (hook, _) = await harness.CreateHookAsync(harness.Receiver.Url("untrusted"));
        await harness.LoadAsync("shop", 1, "orders");

        var delivery = await harness.WaitForAttemptsAsync(hook, 1);

        Assert.Empty(harness.Receiver.Requests("untrusted"));
        var error = delivery.GetProperty("attempts")[0].GetProperty("error").GetString();
        Assert.Contains("remote certificate", error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("pending", delivery.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("169.254.10.1", "link-local")]
    [InlineData("100.64.0.1", "carrier-grade NAT (shared)")]
    [InlineData("fd00:ec2::254", "cloud metadata")]
    [InlineData("fc00::1", "private (unique local)")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("8.8.8.8", null)]
    [InlineData("2606:4700::1111", null)]
    [InlineData("172.32.0.1", null)]
    public void ForbiddenKind_Address_IsClassified(string address, string? kind)
    {
        Assert.Equal(kind, HookAddressGuard.ForbiddenKind(IPAddress.Parse(address)));
    }

    /// <summary>A server sending mail through <paramref name="smtp"/> from <paramref name="from"/>, retrying a delivery once after 10 s.</summary>
    private static Task<HookHarness> StartWithOneRetryAsync(SmtpServer smtp, string from = "sluice@example.com")
    {
        var settings = smtp.Settings(from);
        settings["Hooks:RetryDelays:0"] = "00:00:10";
        return HookHarness.StartAsync(settings);
    }

    /// <summary>A hook whose receiver always answers 503 gets one load; its delivery fails for good after the one retry.</summary>
    private static async Task FailOneDeliveryForGoodAsync(HookHarness harness)
    {
        harness.Receiver.AnswerAlways("broken", HookAnswer.WithStatus(503));
        var (hook, _) = await harness.CreateHookAsync(harness.Receiver.Url("broken"));
        await harness.LoadAsync("shop", 1, "orders");

        await harness.WaitForAttemptsAsync(hook, 1);
        harness.Clock.Advance(TimeSpan.FromSeconds(10));
        await harness.WaitForDeliveryAsync(hook, d => d.GetProperty("status").GetString() == "failed", "failed");
    }

    [Fact]
    public async Task Shutdown_MailServerNeverAnswers_StopWaitsOnlyTheGraceAndLogsTheMailNotSent()
    {
        // A mail server that takes the connection and never greets: the email about a final failure hangs in MailKit's
        // connect until the stop's grace (Hooks:ShutdownMailGrace, on the server's clock) gives up on it.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new System.Collections.Concurrent.ConcurrentBag<TcpClient>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    held.Add(await silent.AcceptTcpClientAsync());
                }
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
            }
        });
        var settings = new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = ((IPEndPoint)silent.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:From"] = "sluice@example.com",
            ["Hooks:RetryDelays:0"] = "00:00:10",
            ["Hooks:ShutdownMailGrace"] = "00:00:03",
        };
        var harness = await HookHarness.StartAsync(settings, builder => builder.Services.AddFakeLogging());
        Task? stop = null;
        try
        {
            var logs = harness.Server.GetService<Microsoft.Extensions.Logging.Testing.FakeLogCollector>();
            Assert.Null((await harness.Server.GetService<Sluice.Server.Accounts.UserService>().AddAsync("owner@example.com", 1, CancellationToken.None)).Error);
            await FailOneDeliveryForGoodAsync(harness);
            await Eventually.AssertAsync(() => Task.FromResult(!held.IsEmpty), "the dispatcher connected to the mail server", TimeSpan.FromSeconds(30));

            stop = harness.DisposeAsync().AsTask();
            var advanced = TimeSpan.Zero;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (!stop.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(30))
            {
                harness.Clock.Advance(TimeSpan.FromMilliseconds(500));
                advanced += TimeSpan.FromMilliseconds(500);
                await Task.WhenAny(stop, Task.Delay(50));
            }

            Assert.True(stop.IsCompleted, $"The stop still waited for the email after {watch.Elapsed.TotalSeconds:0} s (clock advanced {advanced}).");
            await stop;
            Assert.True(advanced >= TimeSpan.FromSeconds(3), $"The stop gave up on the email after only {advanced} on the server's clock, before the 3 s grace.");
            var notSent = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == Sluice.Server.LogEvents.Dispatcher.NotEmailed);
            Assert.Contains("was not sent within 00:00:03", notSent.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (stop is null)
            {
                await harness.DisposeAsync();
            }

            silent.Stop();
            foreach (var client in held)
            {
                client.Dispose();
            }

            await accepting;
        }
    }

    [Theory]
    [InlineData("sluice@localhost", "sluice@localhost")]
    [InlineData("Sluice <alerts@mail.example.com>", "alerts@mail.example.com")]
    public async Task FinalFailure_SenderOfALocalMailServerOrWithAName_IsAcceptedAndUsed(string from, string address)
    {
        await using var smtp = await SmtpServer.StartAsync();
        await using var harness = await StartWithOneRetryAsync(smtp, from);
        Assert.Null((await harness.Server.GetService<Sluice.Server.Accounts.UserService>().AddAsync("owner@example.com", 1, CancellationToken.None)).Error);

        await FailOneDeliveryForGoodAsync(harness);

        var message = Assert.Single(await smtp.WaitForMessagesAsync(1));
        Assert.Equal(address, message.From.Mailboxes.Single().Address);
    }

    [Theory]
    [InlineData("sluice")]
    [InlineData("a@example.com, b@example.com")]
    [InlineData("<>")]
    public void SmtpFrom_NotOneMailbox_IsRefused(string from) => Assert.False(Sluice.Server.Notifications.SmtpOptions.IsValidSender(from));

    [Fact]
    public async Task FinalFailure_EmailReachesTheRealSmtpServerOnce_WithSubjectUrlTableAndError()
    {
        await using var smtp = await SmtpServer.StartAsync();
        await using var harness = await StartWithOneRetryAsync(smtp);
        var b = await harness.Server.CreateAccountAsync();
        foreach (var address in new[] { "ops@example.com", "data@example.com", "off@example.com" })
        {
            (await ApiCall.PostAsync(harness.Server.Api, "notifications/public/v1/api/custom-emails", $$"""{"email_address":"{{address}}"}""")).AssertOk();
        }

        var off = (await ApiCall.GetAsync(harness.Server.Api, "notifications/public/v1/api/custom-emails")).Json.EnumerateArray()
            .Single(e => e.GetProperty("email_address").GetString() == "off@example.com").GetProperty("id").GetInt64();
        (await ApiCall.PutAsync(harness.Server.Api, $"notifications/public/v1/api/custom-emails/{off}", """{"enable":false}""")).AssertOk();
        (await ApiCall.PostAsync(b.Api, "notifications/public/v1/api/custom-emails", """{"email_address":"other-account@example.com"}""")).AssertOk();
        Assert.Null((await harness.Server.GetService<Sluice.Server.Accounts.UserService>().AddAsync("owner@example.com", 1, CancellationToken.None)).Error);

        await FailOneDeliveryForGoodAsync(harness);

        var message = Assert.Single(await smtp.WaitForMessagesAsync(1));
        Assert.Equal("Sluice Notification - Unable to Deliver Post Load Notification", message.Subject);
        Assert.Equal("sluice@example.com", message.From.Mailboxes.Single().Address);
        var to = message.To.Mailboxes.Select(m => m.Address).ToList();
        Assert.Contains("owner@example.com", to);
        Assert.Contains("ops@example.com", to);
        Assert.Contains("data@example.com", to);
        Assert.DoesNotContain("off@example.com", to);
        Assert.DoesNotContain("other-account@example.com", to);
        var body = message.TextBody;
        Assert.Contains(harness.Receiver.Url("broken"), body, StringComparison.Ordinal);
        Assert.Contains("Table:        orders", body, StringComparison.Ordinal);
        Assert.Contains("Last error:   Answered 503 Service Unavailable: receiver says 503", body, StringComparison.Ordinal);
        Assert.Contains("Attempts:     2", body, StringComparison.Ordinal);

        harness.Clock.Advance(TimeSpan.FromHours(2));
        await harness.AssertNothingPendingAsync();
        Assert.Single(smtp.Messages());
        Assert.Single((await NotificationsAsync(harness.Server.Api)).Json.EnumerateArray(),
            n => n.GetProperty("code").GetString() == "undeliverable-post-load");
        Assert.Empty((await NotificationsAsync(b.Api)).Json.EnumerateArray());
    }
}
