using System.Text.Json;
using Sluice.Server.Destinations;
using Sluice.Server.Tests.Api;
using Sluice.Testing;

namespace Sluice.Server.Tests.Hooks;

/// <summary>
/// Webhook in, real loads into DuckDB, the outbox and the dispatcher on the real clock, out to a real HTTPS receiver: one
/// request per root table per load to each enabled hook, none to disabled hooks; and the same on a PostgreSQL control plane.
/// </summary>
public sealed class DeliveryEndToEndTests : IClassFixture<PostgresServer>
{
    private readonly PostgresServer postgres;

    public DeliveryEndToEndTests(PostgresServer postgres) => this.postgres = postgres;

    private static Dictionary<string, string?> Settings(HookReceiver receiver) => new()
    {
        ["Loading:Interval"] = "00:00:00.100",
        ["Loading:PollInterval"] = "00:00:00.050",
        ["Hooks:AllowPrivateNetworks"] = "true",
        ["Hooks:TrustedCertificatePath"] = receiver.CertificatePath,
    };

    private static async Task PostAsync(SluiceServer server, TestSource source, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await server.Anonymous.PostAsync(new Uri(source.WebhookUrl), content);
        Assert.True(response.IsSuccessStatusCode, $"Ingest answered {(int)response.StatusCode}");
    }

    private static async Task<long> CreateHookAsync(SluiceServer server, string url)
    {
        var destination = await ApiHooksTests.DestinationIdAsync(server.Api);
        var call = await ApiCall.PostAsync(server.Api, HookHarness.HooksPath, ApiHooksTests.CreateBody(destination, url));
        call.AssertOk();
        return call.Json.GetProperty("id").GetInt64();
    }

    private static async Task<int> LoadCountAsync(SluiceServer server)
    {
        var destination = await server.GetService<IDestinationProvider>().GetAsync(server.ClientId, CancellationToken.None);
        return (await destination.GetLoadsAsync(null, DateTime.MinValue, 1000, CancellationToken.None)).Count;
    }

    private static async Task<JsonElement> DeliveriesAsync(SluiceServer server, long hook)
    {
        var call = await ApiCall.GetAsync(server.Api, $"{HookHarness.HooksPath}/{hook}/deliveries");
        call.AssertOk();
        return call.Json;
    }

    private static async Task<int> SucceededAsync(SluiceServer server, long hook) =>
        (await DeliveriesAsync(server, hook)).GetProperty("deliveries").EnumerateArray().Count(d => d.GetProperty("status").GetString() == "succeeded");

    [Fact]
    public async Task Loads_OneRequestPerRootTablePerLoadToEachEnabledHook_NoneToDisabledHooks()
    {
        await using var receiver = await HookReceiver.StartAsync();
        await using var server = await SluiceServer.StartAsync(settings: Settings(receiver));
        var orders = await server.CreateSourceAsync(server.Api, "Shop Orders", "id");
        var events = await server.CreateSourceAsync(server.Api, "Events");
        var a = await CreateHookAsync(server, receiver.Url("a"));
        var b = await CreateHookAsync(server, receiver.Url("b"));
        var disabled = await CreateHookAsync(server, receiver.Url("off"));
        (await ApiCall.PutAsync(server.Api, $"{HookHarness.HooksPath}/{disabled}", """{"enable":false}""")).AssertOk();

        await PostAsync(server, orders, """[{"id":1,"items":[{"sku":"a"},{"sku":"b"}]},{"id":2,"items":[{"sku":"c"}]}]""");
        var first = (await receiver.WaitForRequestsAsync("a", 1)).Single();
        await PostAsync(server, events, """{"kind":"signup"}""");
        await receiver.WaitForRequestsAsync("a", 2);
        await PostAsync(server, orders, """{"id":3,"items":[]}""");
        var requests = await receiver.WaitForRequestsAsync("a", 3);
        await receiver.WaitForRequestsAsync("b", 3);

        Assert.Equal(3, await LoadCountAsync(server));

        // Once every delivery's outcome is written and none is pending (no retry due later, none in flight), no dispatcher
        // round has anything more to send: the counts are final without waiting for time to pass.
        await Eventually.AssertAsync(
            async () => await SucceededAsync(server, a) == 3 && await SucceededAsync(server, b) == 3, "the 3 deliveries of hooks a and b are written as succeeded");
        await HookHarness.AssertNothingPendingAsync(server);
        Assert.Equal(3, receiver.Requests("a").Count);
        Assert.Equal(3, receiver.Requests("b").Count);
        Assert.Empty(receiver.Requests("off"));
        Assert.Equal(0, (await DeliveriesAsync(server, disabled)).GetProperty("total").GetInt32());

        using var payload = JsonDocument.Parse(first.Body);
        var root = payload.RootElement;
        Assert.Equal("shop_orders", root.GetProperty("integration_name").GetString());
        Assert.Equal("data", root.GetProperty("destination_root_table_name").GetString());
        var tables = root.GetProperty("tables").EnumerateArray().ToList();
        Assert.Equal(["data", "data__items"], tables.Select(t => t.GetProperty("destination_table_name").GetString()!).ToArray());
        Assert.Equal([2L, 3L], tables.Select(t => t.GetProperty("num_rows").GetInt64()).ToArray());
        Assert.Equal("_sdc_sequence", tables[0].GetProperty("bookmark_metadata")[0].GetProperty("key").GetString());
        foreach (var name in new[] { "version", "minimum_sdc_batched_at", "new_version", "source_root_table_name", "table_version" })
        {
            Assert.True(root.TryGetProperty(name, out _), $"payload lacks {name}: {first.Body}");
        }

        Assert.Equal(
            ["shop_orders", "events", "shop_orders"],
            requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("integration_name").GetString()!).ToArray());
    }

    [Fact]
    public async Task Deliver_OnPostgresControlPlane_ClaimsAndRecordsAttempts()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var database = await postgres.CreateDatabaseAsync("sluice_dispatch");
        var dataDir = Path.Combine(Path.GetTempPath(), "sluice-pgdispatch-" + Guid.NewGuid().ToString("N"));
        var settings = Settings(receiver);
        settings["Sluice:DataDir"] = dataDir;
        settings["ControlPlane:Provider"] = "postgres";
        settings["ControlPlane:ConnectionString"] = postgres.ConnectionString(database);
        settings["Hooks:RetryDelays:0"] = "00:00:00.200";
        try
        {
            await using var server = await SluiceServer.StartAsync(settings: settings);
            receiver.Answer("pg", HookAnswer.ServerError);
            var hook = await CreateHookAsync(server, receiver.Url("pg"));
            var source = await server.CreateSourceAsync(server.Api, "Events");
            await PostAsync(server, source, """{"n":1}""");

            await receiver.WaitForRequestsAsync("pg", 2);
            var delivery = default(JsonElement);
            await Eventually.WaitAsync(
                async () =>
                {
                    delivery = (await DeliveriesAsync(server, hook)).GetProperty("deliveries")[0];
                    return delivery.GetProperty("status").GetString() == "succeeded";
                },
                TimeSpan.FromSeconds(20),
                TimeSpan.FromMilliseconds(50));

            Assert.Equal("succeeded", delivery.GetProperty("status").GetString());
            Assert.Equal([500, 200], delivery.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("status_code").GetInt32()).ToArray());
        }
        finally
        {
            SluiceServer.TryDelete(dataDir);
        }
    }
}
