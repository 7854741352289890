using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Sluice.Core.Loading;
using Sluice.Server.Deliveries;
using Sluice.Server.Tests.Api;
using Sluice.Testing;

namespace Sluice.Server.Tests.Hooks;

/// <summary>
/// A Sluice server running the api and dispatcher roles on a fake clock, next to a real HTTPS hook receiver whose certificate
/// it trusts. Deliveries come from load summaries handed to the real outbox, so the schedule is driven with
/// <see cref="FakeTimeProvider.Advance"/> and nothing waits for time to pass.
/// </summary>
internal sealed class HookHarness : IAsyncDisposable
{
    public const string HooksPath = "notifications/public/v1/api/hooks";

    private HookHarness(SluiceServer server, HookReceiver receiver, FakeTimeProvider clock)
    {
        Server = server;
        Receiver = receiver;
        Clock = clock;
    }

    public SluiceServer Server { get; }

    public HookReceiver Receiver { get; }

    public FakeTimeProvider Clock { get; }

    /// <summary>A server with roles api and dispatcher on a fake clock; <paramref name="configure"/> adds to its services.</summary>
    public static async Task<HookHarness> StartAsync(IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var receiver = await HookReceiver.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var all = new Dictionary<string, string?>
        {
            ["Sluice:Roles"] = "api,dispatcher",
            ["Hooks:AllowPrivateNetworks"] = "true",
            ["Hooks:TrustedCertificatePath"] = receiver.CertificatePath,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        try
        {
            var server = await SluiceServer.StartAsync(
                builder =>
                {
                    builder.Services.RemoveAll<TimeProvider>();
                    builder.Services.AddSingleton<TimeProvider>(clock);
                    configure?.Invoke(builder);
                },
                all);
            return new HookHarness(server, receiver, clock);
        }
        catch
        {
            await receiver.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a hook on the account's destination; returns its id and signing secret.</summary>
    public async Task<(long Id, string Secret)> CreateHookAsync(string url, HttpClient? api = null)
    {
        api ??= Server.Api;
        var destination = await ApiHooksTests.DestinationIdAsync(api);
        var call = await ApiCall.PostAsync(api, HooksPath, ApiHooksTests.CreateBody(destination, url));
        call.AssertOk();
        return (call.Json.GetProperty("id").GetInt64(), call.Json.GetProperty("config").GetProperty("secret").GetString()!);
    }

    /// <summary>A committed load of <paramref name="rootTables"/> (one row each) handed to the outbox, as the loader's signal does.</summary>
    public async Task<LoadSummary> LoadAsync(string schema, long clientId = 1, params string[] rootTables)
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        var tables = rootTables.Select((t, i) => new TableLoadStats(t, t, t, 1, 0, i + 1, i + 1, now)).ToList();
        var load = new LoadSummary(Guid.NewGuid(), 1, schema, now, 1, rootTables.Length, now, tables);
        await Server.GetService<HookOutbox>().AddAsync(clientId, [load], advanceCursor: false, CancellationToken.None);
        return load;
    }

    public async Task<JsonElement> DeliveriesAsync(long hookId, HttpClient? api = null)
    {
        var call = await ApiCall.GetAsync(api ?? Server.Api, $"{HooksPath}/{hookId}/deliveries");
        call.AssertOk();
        return call.Json.GetProperty("deliveries");
    }

    /// <summary>Waits (for the dispatcher, not for a clock) until the hook's newest delivery satisfies <paramref name="done"/>.</summary>
    public async Task<JsonElement> WaitForDeliveryAsync(long hookId, Func<JsonElement, bool> done, string what)
    {
        var deliveries = default(JsonElement);
        await Eventually.AssertAsync(
            async () =>
            {
                deliveries = await DeliveriesAsync(hookId);
                return deliveries.GetArrayLength() > 0 && done(deliveries[0]);
            },
            $"hook {hookId}'s newest delivery is {what}",
            TimeSpan.FromSeconds(20),
            () => deliveries.ToString(),
            every: TimeSpan.FromMilliseconds(20));
        return deliveries[0];
    }

    /// <summary>
    /// Asserts that no delivery is pending (due later or claimed and in flight): then no dispatcher round, however much the
    /// clock moves, has anything to send. Fails at once when a retry is still scheduled, where a sleep could pass by luck.
    /// </summary>
    public Task AssertNothingPendingAsync() => AssertNothingPendingAsync(Server);

    /// <summary><see cref="AssertNothingPendingAsync()"/> for a server started without a harness (on the real clock).</summary>
    public static async Task AssertNothingPendingAsync(SluiceServer server) =>
        Assert.Null(await server.GetService<DeliveryStore>().NextDueAsync([], CancellationToken.None));

    /// <summary>
    /// Asserts that no pending delivery is due by the fake clock: a dispatcher round claims only deliveries whose next attempt
    /// is at or before the clock's now, so however many rounds run before the clock moves again, none sends. "Nothing was sent
    /// yet" then holds without sleeping, and fails at once when a delivery is due early.
    /// </summary>
    public async Task AssertNothingDueAsync()
    {
        var next = await Server.GetService<DeliveryStore>().NextDueAsync([], CancellationToken.None);
        var now = Clock.GetUtcNow();
        Assert.True(
            next is not { } due || new DateTimeOffset(due, TimeSpan.Zero) > now,
            $"A delivery is due at {next:O}; the clock is at {now:O}.");
    }

    public Task<JsonElement> WaitForAttemptsAsync(long hookId, int attempts) =>
        WaitForDeliveryAsync(hookId, d => d.GetProperty("attempts").GetArrayLength() >= attempts, $"at {attempts} attempt(s)");

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
