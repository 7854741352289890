using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Sluice.Server.Loading;
using Sluice.Server.Notifications;
using Sluice.Server.Tests.Api;
using Sluice.Testing;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Loading;

/// <summary>
/// A destination that stays down long enough (<c>Loading:ErrorEmailDelay</c>) gets one email to the account's recipients,
/// through a real SMTP server, on top of the in-app notification that comes at once. The server runs on a fake clock: the
/// loader's polls, batch interval, retry back-off and the email delay move only when the test advances it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LoadErrorEmailTests(PostgresServer postgres) : IAsyncLifetime
{
    private static readonly TimeSpan EmailDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMilliseconds(400);

    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private SmtpServer smtp = null!;
    private TcpRelay relay = null!;
    private SluiceServer server = null!;

    public async Task InitializeAsync()
    {
        smtp = await SmtpServer.StartAsync();
        relay = new TcpRelay("127.0.0.1", postgres.Port);
        relay.Start();
        var settings = new Dictionary<string, string?>(FastLoadingServer.Settings)
        {
            ["Loading:MinRetryDelay"] = "00:00:00.2",
            ["Loading:MaxRetryDelay"] = "00:00:00.4",
            ["Loading:ErrorEmailDelay"] = "00:00:05",
        };
        foreach (var (key, value) in smtp.Settings())
        {
            settings[key] = value;
        }

        server = await SluiceServer.StartAsync(
            builder =>
            {
                builder.Services.RemoveAll<TimeProvider>();
                builder.Services.AddSingleton<TimeProvider>(clock);
            },
            settings);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await relay.DisposeAsync();
        await smtp.DisposeAsync();
    }

    [Fact]
    public async Task Load_DestinationDownPastTheDelay_OneEmailToRecipientsNamingIntegrationAndError()
    {
        (await ApiCall.PostAsync(server.Api, "notifications/public/v1/api/custom-emails", """{"email_address":"oncall@example.com"}""")).AssertOk();
        var database = await postgres.CreateDatabaseAsync();
        (await ApiCall.PostAsync(server.Api, "v4/destinations", JsonSerializer.Serialize(new
        {
            type = "postgres",
            connection = new { host = "127.0.0.1", port = relay.Port, username = postgres.Username, password = postgres.Password, database, sslmode = "disable" },
        }))).AssertOk();
        var source = await server.CreateSourceAsync(server.Api, "Billing Events", "id");
        var statuses = server.GetService<LoadStatusTracker>();
        await PostAsync(server.Anonymous, source.WebhookUrl, """{"id":1}""");
        await AdvanceUntilAsync(() => LoadedAsync(1), "the first record is loaded");

        relay.Stop();
        await PostAsync(server.Anonymous, source.WebhookUrl, """{"id":2}""");
        await AdvanceUntilAsync(async () => (await LoadingErrorsAsync()).Count == 1, "the in-app notification of the failing load");
        var failingSince = statuses.Get(source.Id).FailingSince ?? throw new InvalidOperationException("The failing load left no error streak.");
        Assert.True(clock.GetUtcNow() - failingSince < EmailDelay, $"The clock is {clock.GetUtcNow() - failingSince} into the streak, not short of the email delay.");
        Assert.Empty(smtp.Messages());

        // A retry that fails once the streak has lasted the delay sends the email; the clock moves one longest back-off at a time.
        await AdvanceUntilAsync(() => Task.FromResult(smtp.Messages().Count > 0), "the error email", MaxRetryDelay);
        Assert.True(clock.GetUtcNow() - failingSince >= EmailDelay, $"The email came {clock.GetUtcNow() - failingSince} into the streak, before the delay of {EmailDelay}.");
        var message = Assert.Single(await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal("Sluice Notification - We're having trouble writing to your data warehouse", message.Subject);
        Assert.Equal(LoadFailureNotifier.Subject, message.Subject);
        // The account's users (the first start's admin@localhost) and its enabled custom recipients.
        Assert.Equal(["admin@localhost", "oncall@example.com"], message.To.Mailboxes.Select(m => m.Address).Order(StringComparer.Ordinal));
        Assert.Contains("Integration:  billing_events", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Last error:   ", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Failing since: ", message.TextBody, StringComparison.Ordinal);

        // The same streak never sends a second email: five more retries fail (a failure is counted after the one before it
        // has sent whatever it was going to send), and still one email and one notification.
        var failures = statuses.Get(source.Id).ConsecutiveFailures;
        await AdvanceUntilAsync(() => Task.FromResult(statuses.Get(source.Id).ConsecutiveFailures >= failures + 5), "five more retries fail", MaxRetryDelay);
        Assert.Single(smtp.Messages());
        Assert.Single(await LoadingErrorsAsync());

        relay.Start();
        await AdvanceUntilAsync(() => LoadedAsync(2), "both records are loaded once the destination is back", MaxRetryDelay);
    }

    /// <summary>Until <paramref name="condition"/> holds, moves the fake clock on by <paramref name="step"/> (default a loader poll's 200 ms) and looks again.</summary>
    private Task AdvanceUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? step = null) =>
        Eventually.AssertAsync(
            async () =>
            {
                if (await condition())
                {
                    return true;
                }

                clock.Advance(step ?? TimeSpan.FromMilliseconds(200));
                return false;
            },
            what);

    private async Task<bool> LoadedAsync(int rows)
    {
        var call = await QueryAsync(server.Api, "SELECT id FROM billing_events.data");
        return call.Status == HttpStatusCode.OK && Rows(call).Count == rows;
    }

    private async Task<List<JsonElement>> LoadingErrorsAsync()
    {
        var call = await ApiCall.GetAsync(server.Api, "v4/notifications");
        call.AssertOk();
        return call.Json.EnumerateArray().Where(n => n.GetProperty("code").GetString() == "loading-error").ToList();
    }
}
