using System.Text.Json;
using Sluice.Server.Notifications;
using Sluice.Server.Tests.Api;
using Sluice.Testing;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Loading;

/// <summary>
/// A destination that stays down long enough (<c>Loading:ErrorEmailDelay</c>) gets one email to the account's recipients,
/// through a real SMTP server, on top of the in-app notification that comes at once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LoadErrorEmailTests(PostgresServer postgres) : IAsyncLifetime
{
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

        server = await SluiceServer.StartAsync(settings: settings);
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
        await PostAsync(server.Anonymous, source.WebhookUrl, """{"id":1}""");
        await WaitForRowsAsync(server.Api, "SELECT id FROM billing_events.data", 1);

        relay.Stop();
        await PostAsync(server.Anonymous, source.WebhookUrl, """{"id":2}""");
        await Eventually.AssertAsync(async () => (await LoadingErrorsAsync()).Count == 1, "the in-app notification of the failing load");
        Assert.Empty(smtp.Messages());

        var message = Assert.Single(await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal("Sluice Notification - We're having trouble writing to your data warehouse", message.Subject);
        Assert.Equal(LoadFailureNotifier.Subject, message.Subject);
        // The account's users (the first start's admin@localhost) and its enabled custom recipients.
        Assert.Equal(["admin@localhost", "oncall@example.com"], message.To.Mailboxes.Select(m => m.Address).Order(StringComparer.Ordinal));
        Assert.Contains("Integration:  billing_events", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Last error:   ", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Failing since: ", message.TextBody, StringComparison.Ordinal);

        // The loader keeps retrying every 0.2-0.4 s: the same streak never sends a second email.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(smtp.Messages());
        Assert.Single(await LoadingErrorsAsync());

        relay.Start();
        await WaitForRowsAsync(server.Api, "SELECT id FROM billing_events.data", 2);
    }

    private async Task<List<JsonElement>> LoadingErrorsAsync()
    {
        var call = await ApiCall.GetAsync(server.Api, "v4/notifications");
        call.AssertOk();
        return call.Json.EnumerateArray().Where(n => n.GetProperty("code").GetString() == "loading-error").ToList();
    }
}
