using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Sluice.Server.Deliveries;
using Sluice.Server.Destinations;
using Sluice.Server.Loading;
using Sluice.Server.Tests.Api;
using Sluice.Testing;

namespace Sluice.Server.Tests.Hooks;

/// <summary>
/// The outbox after real loads (webhook in, loader, DuckDB, control plane), the delivery log and replay. The dispatcher is
/// off here, so deliveries stay as the outbox wrote them.
/// </summary>
public sealed class ApiDeliveriesTests
{
    private const string Hooks = "notifications/public/v1/api/hooks";

    private static readonly Dictionary<string, string?> FastLoads = new()
    {
        ["Loading:Interval"] = "00:00:00.100",
        ["Loading:PollInterval"] = "00:00:00.050",
    };

    private static async Task<long> CreateHookAsync(SluiceServer server, HttpClient api, string url = "https://hooks.example.com/x")
    {
        var destination = await ApiHooksTests.DestinationIdAsync(api);
        var call = await ApiCall.PostAsync(api, Hooks, ApiHooksTests.CreateBody(destination, url));
        call.AssertOk();
        return call.Json.GetProperty("id").GetInt64();
    }

    private static async Task PostAsync(SluiceServer server, TestSource source, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await server.Anonymous.PostAsync(new Uri(source.WebhookUrl), content);
        Assert.True(response.IsSuccessStatusCode, $"Ingest answered {(int)response.StatusCode}");
    }

    private static async Task<JsonElement> DeliveriesAsync(HttpClient api, long hookId, int page = 1)
    {
        var call = await ApiCall.GetAsync(api, $"{Hooks}/{hookId}/deliveries?page={page}");
        call.AssertOk();
        return call.Json;
    }

    /// <summary>Waits (for the loader, not for a clock) until the hook has <paramref name="count"/> deliveries.</summary>
    private static async Task<JsonElement> WaitForDeliveriesAsync(HttpClient api, long hookId, int count)
    {
        var page = default(JsonElement);
        await Eventually.WaitAsync(
            async () =>
            {
                page = await DeliveriesAsync(api, hookId);
                return page.GetProperty("total").GetInt32() >= count;
            },
            TimeSpan.FromSeconds(20),
            TimeSpan.FromMilliseconds(50));
        return page;
    }

    private static async Task<IReadOnlyList<Core.Loading.LoadSummary>> LoadsAsync(SluiceServer server, long clientId)
    {
        var destination = await server.GetService<IDestinationProvider>().GetAsync(clientId, CancellationToken.None);
        return await destination.GetLoadsAsync(null, DateTime.MinValue, 1000, CancellationToken.None);
    }

    private static async Task WaitForLoadsAsync(SluiceServer server, long clientId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await LoadsAsync(server, clientId)).Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Fewer than {count} loads after 20 s");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Load_QueuesOneDeliveryPerEnabledHookAndRootTable_NoneForDisabledHooks()
    {
        await using var server = await SluiceServer.StartAsync(DispatcherOff.Apply, FastLoads);
        var source = await server.CreateSourceAsync(server.Api, "Shop Orders", "id");
        var first = await CreateHookAsync(server, server.Api, "https://hooks.example.com/1");
        var second = await CreateHookAsync(server, server.Api, "https://hooks.example.com/2");
        var disabled = await CreateHookAsync(server, server.Api, "https://hooks.example.com/3");
        (await ApiCall.PutAsync(server.Api, $"{Hooks}/{disabled}", """{"enable":false}""")).AssertOk();

        await PostAsync(server, source, """[{"id":1,"items":[{"sku":"a"},{"sku":"b"}]},{"id":2,"items":[]}]""");

        var page = await WaitForDeliveriesAsync(server.Api, first, 1);
        var secondPage = await WaitForDeliveriesAsync(server.Api, second, 1);
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        Assert.Equal(1, secondPage.GetProperty("total").GetInt32());
        Assert.Equal(0, (await DeliveriesAsync(server.Api, disabled)).GetProperty("total").GetInt32());

        var delivery = page.GetProperty("deliveries")[0];
        Assert.Equal("pending", delivery.GetProperty("status").GetString());
        Assert.StartsWith("msg_", delivery.GetProperty("webhook_id").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(delivery.GetProperty("webhook_id").GetString(), secondPage.GetProperty("deliveries")[0].GetProperty("webhook_id").GetString());
        Assert.Equal(0, delivery.GetProperty("attempts").GetArrayLength());
        Assert.NotEqual(JsonValueKind.Null, delivery.GetProperty("next_attempt_at").ValueKind);
        Assert.Equal(source.Id, delivery.GetProperty("source_id").GetInt64());

        var payload = delivery.GetProperty("payload");
        Assert.Equal("1.0", payload.GetProperty("version").GetString());
        Assert.Equal(source.Name, payload.GetProperty("integration_name").GetString());
        var tables = payload.GetProperty("tables").EnumerateArray().ToList();
        Assert.Equal(payload.GetProperty("destination_root_table_name").GetString(), tables[0].GetProperty("destination_table_name").GetString());
        Assert.Equal(2, tables[0].GetProperty("num_rows").GetInt64());
        Assert.Equal(2, tables.Count);
        Assert.EndsWith("__items", tables[1].GetProperty("destination_table_name").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, tables[1].GetProperty("num_rows").GetInt64());
        Assert.Equal(delivery.GetProperty("root_table").GetString(), payload.GetProperty("destination_root_table_name").GetString());
    }

    [Fact]
    public async Task Outbox_ReprocessingTheSameLoads_CreatesNothingNew()
    {
        await using var server = await SluiceServer.StartAsync(DispatcherOff.Apply, FastLoads);
        var source = await server.CreateSourceAsync(server.Api, "Events");
        var hook = await CreateHookAsync(server, server.Api);
        await PostAsync(server, source, """{"kind":"signup"}""");
        await WaitForDeliveriesAsync(server.Api, hook, 1);

        var loads = await LoadsAsync(server, server.ClientId);
        var outbox = server.GetService<HookOutbox>();
        var again = await outbox.AddAsync(server.ClientId, loads, advanceCursor: true, CancellationToken.None);
        var worker = server.GetService<IEnumerable<IHostedService>>().OfType<HookOutboxWorker>().Single();
        await worker.PollAsync(CancellationToken.None);

        Assert.Equal(0, again);
        Assert.Equal(1, (await DeliveriesAsync(server.Api, hook)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Outbox_LoadsBeforeTheHookExisted_AreNotDelivered()
    {
        await using var server = await SluiceServer.StartAsync(DispatcherOff.Apply, FastLoads);
        var source = await server.CreateSourceAsync(server.Api, "Events");
        await PostAsync(server, source, """{"n":1}""");
        await WaitForLoadsAsync(server, server.ClientId, 1);
        var before = (await LoadsAsync(server, server.ClientId)).Single();

        var hook = await CreateHookAsync(server, server.Api);
        await server.GetService<IEnumerable<IHostedService>>().OfType<HookOutboxWorker>().Single().PollAsync(CancellationToken.None);
        await PostAsync(server, source, """{"n":2}""");
        await WaitForLoadsAsync(server, server.ClientId, 2);
        var page = await WaitForDeliveriesAsync(server.Api, hook, 1);
        await server.GetService<IEnumerable<IHostedService>>().OfType<HookOutboxWorker>().Single().PollAsync(CancellationToken.None);

        var deliveries = (await DeliveriesAsync(server.Api, hook)).GetProperty("deliveries").EnumerateArray().ToList();
        Assert.Single(deliveries);
        Assert.NotEqual(before.LoadId, deliveries[0].GetProperty("load_id").GetGuid());
    }

    [Fact]
    public async Task Outbox_WithoutTheLoaderSignal_ThePollStillQueuesTheDelivery()
    {
        // As after a crash between the load's commit and the signal: only the poll can find the load.
        await using var server = await StartPollOnlyAsync();
        var source = await server.CreateSourceAsync(server.Api, "Events");
        var hook = await CreateHookAsync(server, server.Api);

        await PostAsync(server, source, """{"n":1}""");

        var page = await WaitForDeliveriesAsync(server.Api, hook, 1);
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        var load = (await LoadsAsync(server, server.ClientId)).Single();
        Assert.Equal(load.LoadId, page.GetProperty("deliveries")[0].GetProperty("load_id").GetGuid());
    }

    [Fact]
    public async Task Outbox_PollQueuedTheLoadBeforeItsSignal_TheSignalStillGivesTheDeliveryTheLoadsTrace()
    {
        // The poll sees a load as soon as it commits, before the loader signals it: the delivery it queued has no trace yet.
        await using var server = await StartPollOnlyAsync();
        var source = await server.CreateSourceAsync(server.Api, "Events");
        var hook = await CreateHookAsync(server, server.Api);
        await PostAsync(server, source, """{"n":1}""");
        await WaitForDeliveriesAsync(server.Api, hook, 1);
        var load = (await LoadsAsync(server, server.ClientId)).Single();
        Assert.Null(await TraceParentAsync(server, load.LoadId));

        const string traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var created = await server.GetService<HookOutbox>().AddAsync(
            server.ClientId, [load], advanceCursor: false, CancellationToken.None, new Dictionary<Guid, string> { [load.LoadId] = traceParent });

        Assert.Equal(0, created);
        Assert.Equal(traceParent, await TraceParentAsync(server, load.LoadId));
    }

    /// <summary>A server whose outbox learns of loads only by its poll (every 0.2 s): no loader signal, no dispatcher.</summary>
    private static Task<SluiceServer> StartPollOnlyAsync() => SluiceServer.StartAsync(
        builder =>
        {
            DispatcherOff.Apply(builder);
            builder.Services.RemoveAll<ILoadCommittedSignal>();
        },
        new Dictionary<string, string?>(FastLoads) { ["Hooks:OutboxPollInterval"] = "00:00:00.200" });

    private static async Task<string?> TraceParentAsync(SluiceServer server, Guid loadId)
    {
        await using var db = await server.GetService<Microsoft.EntityFrameworkCore.IDbContextFactory<Sluice.Storage.ControlDbContext>>().CreateDbContextAsync();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.Deliveries.Where(d => d.LoadId == loadId).Select(d => d.TraceParent));
    }

    [Fact]
    public async Task Replay_CreatesANewPendingDeliveryWithTheSamePayload_AndTheLogPagesNewestFirst()
    {
        await using var server = await SluiceServer.StartAsync(DispatcherOff.Apply, FastLoads);
        var source = await server.CreateSourceAsync(server.Api, "Events");
        var hook = await CreateHookAsync(server, server.Api);
        await PostAsync(server, source, """{"n":1}""");
        var original = (await WaitForDeliveriesAsync(server.Api, hook, 1)).GetProperty("deliveries")[0];
        var originalId = original.GetProperty("id").GetInt64();

        var replay = await ApiCall.PostAsync(server.Api, $"{Hooks}/{hook}/deliveries/{originalId}/replay", "");

        replay.AssertOk();
        Assert.NotEqual(originalId, replay.Json.GetProperty("id").GetInt64());
        Assert.Equal(originalId, replay.Json.GetProperty("replay_of_delivery_id").GetInt64());
        Assert.Equal("pending", replay.Json.GetProperty("status").GetString());
        Assert.NotEqual(original.GetProperty("webhook_id").GetString(), replay.Json.GetProperty("webhook_id").GetString());
        Assert.Equal(original.GetProperty("payload").GetRawText(), replay.Json.GetProperty("payload").GetRawText());

        for (var i = 0; i < 23; i++)
        {
            (await ApiCall.PostAsync(server.Api, $"{Hooks}/{hook}/deliveries/{originalId}/replay", "")).AssertOk();
        }

        var first = await DeliveriesAsync(server.Api, hook, 1);
        var second = await DeliveriesAsync(server.Api, hook, 2);
        Assert.Equal(25, first.GetProperty("total").GetInt32());
        Assert.Equal(20, first.GetProperty("deliveries").GetArrayLength());
        Assert.Equal(5, second.GetProperty("deliveries").GetArrayLength());
        var ids = first.GetProperty("deliveries").EnumerateArray().Concat(second.GetProperty("deliveries").EnumerateArray())
            .Select(d => d.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.OrderDescending(), ids);
        Assert.Equal(originalId, ids[^1]);
    }

    [Fact]
    public async Task DeliveryLog_OtherAccountsAndBadPages_AreRefused()
    {
        await using var server = await SluiceServer.StartAsync(DispatcherOff.Apply, FastLoads);
        var b = await server.CreateAccountAsync();
        var source = await server.CreateSourceAsync(server.Api, "Events");
        var hook = await CreateHookAsync(server, server.Api);
        var bHook = await CreateHookAsync(server, b.Api);
        await PostAsync(server, source, """{"n":1}""");
        var deliveryId = (await WaitForDeliveriesAsync(server.Api, hook, 1)).GetProperty("deliveries")[0].GetProperty("id").GetInt64();

        var otherAccount = await ApiCall.PostAsync(b.Api, $"{Hooks}/{hook}/deliveries/{deliveryId}/replay", "");
        var otherHook = await ApiCall.PostAsync(b.Api, $"{Hooks}/{bHook}/deliveries/{deliveryId}/replay", "");
        var badPage = await ApiCall.GetAsync(server.Api, $"{Hooks}/{hook}/deliveries?page=0");

        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"NotFound"}"""), (otherAccount.Status, otherAccount.Text));
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"NotFound"}"""), (otherHook.Status, otherHook.Text));
        Assert.Equal(HttpStatusCode.BadRequest, badPage.Status);
        Assert.Contains("page", badPage.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await DeliveriesAsync(b.Api, bHook)).GetProperty("total").GetInt32());
    }
}
