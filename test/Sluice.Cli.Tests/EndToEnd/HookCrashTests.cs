using System.Net.Http.Json;
using System.Text.Json;
using Sluice.Testing;
using static Sluice.Cli.Tests.EndToEnd.Http;

namespace Sluice.Cli.Tests.EndToEnd;

/// <summary>
/// SIGKILL of <c>sluice serve</c> between a load's commit and its hook delivery: after a restart on the same data directory
/// the hook is delivered, with the same <c>webhook-id</c> when a first attempt was already on the wire.
/// </summary>
public sealed class HookCrashTests : IAsyncLifetime
{
    private const string Hooks = "notifications/public/v1/api/hooks";

    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "sluice-hookcrash-" + Guid.NewGuid().ToString("N"));
    private HookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await HookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        SluiceServer.TryDelete(dataDir);
    }

    private Dictionary<string, string> Environment(string? roles = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["SLUICE_Hooks__AllowPrivateNetworks"] = "true",
            ["SLUICE_Hooks__TrustedCertificatePath"] = receiver.CertificatePath,
            ["SLUICE_Hooks__Timeout"] = "00:00:02",
            ["SLUICE_Hooks__OutboxPollInterval"] = "00:00:00.200",
        };
        if (roles is not null)
        {
            environment["SLUICE_Sluice__Roles"] = roles;
        }

        return environment;
    }

    private static async Task<long> CreateHookAsync(HttpClient api, string url)
    {
        var destinations = await api.GetFromJsonAsync<JsonElement>("v4/destinations");
        var destination = destinations.EnumerateArray().Single().GetProperty("id").GetInt64();
        using var response = await api.PostAsJsonAsync(Hooks, new { type = "post_load", destination_id = destination, config = new { url } });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> WaitForSucceededAsync(HttpClient api, long hook)
    {
        var page = default(JsonElement);
        await Eventually.AssertAsync(
            async () =>
            {
                page = await api.GetFromJsonAsync<JsonElement>($"{Hooks}/{hook}/deliveries");
                var deliveries = page.GetProperty("deliveries");
                return deliveries.GetArrayLength() > 0 && deliveries[0].GetProperty("status").GetString() == "succeeded";
            },
            $"hook {hook}'s newest delivery succeeded",
            TimeSpan.FromSeconds(30),
            () => page.ToString());
        return page;
    }

    [Fact]
    public async Task Serve_KilledWhileTheFirstAttemptIsOnTheWire_DeliversAfterRestartWithTheSameWebhookId()
    {
        receiver.Answer("crash", HookAnswer.NoAnswer);
        long hook;
        await using (var first = await SluiceProcess.StartAsync(dataDir, Environment()))
        {
            hook = await CreateHookAsync(first.Api, receiver.Url("crash"));
            var (_, _, webhookUrl) = await CreateSourceAsync(first.Api, "Crash Hooks");
            await PostAsync(first.Anonymous, webhookUrl, """{"n":1}""");

            // The load committed and its delivery is in flight (the receiver holds it): now die.
            await receiver.WaitForRequestsAsync("crash", 1, TimeSpan.FromSeconds(30));
            first.Kill();
        }

        await using var second = await SluiceProcess.StartAsync(dataDir, Environment());
        var requests = await receiver.WaitForRequestsAsync("crash", 2, TimeSpan.FromSeconds(30));
        var page = await WaitForSucceededAsync(second.Api, hook);

        Assert.Equal(1, page.GetProperty("total").GetInt32());
        Assert.Equal(requests[0].Header("webhook-id"), requests[1].Header("webhook-id"));
        Assert.Equal(requests[0].Body, requests[1].Body);
    }

    [Fact]
    public async Task Serve_KilledAfterTheLoadCommittedBeforeAnyDelivery_DeliversAfterRestart()
    {
        long hook;
        await using (var first = await SluiceProcess.StartAsync(dataDir, Environment(roles: "ingest,api,loader")))
        {
            // This life loads but runs neither the outbox nor the dispatcher: the load commits and nothing is queued.
            hook = await CreateHookAsync(first.Api, receiver.Url("later"));
            var (_, _, webhookUrl) = await CreateSourceAsync(first.Api, "Crash Later");
            await PostAsync(first.Anonymous, webhookUrl, """{"n":1}""");
            await WaitForAsync(first.Api, "SELECT count(*) FROM crash_later.data", rows => rows[0][0] == "1", TimeSpan.FromSeconds(30));
            first.Kill();
        }

        Assert.Empty(receiver.Requests("later"));
        await using var second = await SluiceProcess.StartAsync(dataDir, Environment());
        var request = (await receiver.WaitForRequestsAsync("later", 1, TimeSpan.FromSeconds(30))).Single();
        await WaitForSucceededAsync(second.Api, hook);

        using var payload = JsonDocument.Parse(request.Body);
        Assert.Equal("crash_later", payload.RootElement.GetProperty("integration_name").GetString());
    }
}
