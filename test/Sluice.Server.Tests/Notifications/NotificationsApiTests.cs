using System.Net;
using System.Text.Json;
using Sluice.Server.Loading;
using Sluice.Server.Tests.Api;
using Sluice.Testing;

namespace Sluice.Server.Tests.Notifications;

/// <summary><c>GET /v4/notifications</c> and dismissing, for notifications the loader's failure notifier creates.</summary>
public sealed class NotificationsApiTests : IAsyncLifetime
{
    private SluiceServer server = null!;

    public async Task InitializeAsync() => server = await SluiceServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Dismiss_LoadingError_HidesItFromTheListButNotFromAll()
    {
        var source = await server.CreateSourceAsync(server.Api, "Failing Source");
        await server.GetService<ILoadFailureNotifier>().LoadFailedAsync(
            new LoadTarget(source.Id, server.ClientId, source.Name, null), "Cannot connect to PostgreSQL at db:5432: connection refused", CancellationToken.None);

        var list = await ApiCall.GetAsync(server.Api, "v4/notifications");
        list.AssertOk();
        var notification = Assert.Single(list.Json.EnumerateArray());
        Assert.Equal("loading-error", notification.GetProperty("code").GetString());
        Assert.Equal("critical", notification.GetProperty("level").GetString());
        Assert.Equal(source.Id, notification.GetProperty("source_id").GetInt64());
        Assert.Contains("'failing_source'", notification.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("connection refused", notification.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("Z", notification.GetProperty("created_at").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, notification.GetProperty("dismissed_at").ValueKind);
        var id = notification.GetProperty("id").GetInt64();

        var dismissed = await ApiCall.PostAsync(server.Api, $"v4/notifications/{id}/dismiss", "{}");

        dismissed.AssertOk();
        Assert.EndsWith("Z", dismissed.Json.GetProperty("dismissed_at").GetString(), StringComparison.Ordinal);
        Assert.Empty((await ApiCall.GetAsync(server.Api, "v4/notifications")).Json.EnumerateArray());
        var all = await ApiCall.GetAsync(server.Api, "v4/notifications?all=true");
        Assert.Equal([id], all.Json.EnumerateArray().Select(n => n.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task Notifications_OfAnotherAccount_AreInvisibleAndCannotBeDismissed()
    {
        var source = await server.CreateSourceAsync(server.Api, "Mine");
        await server.GetService<ILoadFailureNotifier>().LoadFailedAsync(
            new LoadTarget(source.Id, server.ClientId, source.Name, null), "disk full", CancellationToken.None);
        var id = (await ApiCall.GetAsync(server.Api, "v4/notifications")).Json[0].GetProperty("id").GetInt64();
        var other = await server.CreateAccountAsync();

        Assert.Empty((await ApiCall.GetAsync(other.Api, "v4/notifications?all=true")).Json.EnumerateArray());
        (await ApiCall.PostAsync(other.Api, $"v4/notifications/{id}/dismiss", "{}")).AssertError(HttpStatusCode.NotFound, "not_found", $"Notification {id} was not found.");
        Assert.Single((await ApiCall.GetAsync(server.Api, "v4/notifications")).Json.EnumerateArray());
        Assert.Equal(HttpStatusCode.Unauthorized, (await ApiCall.GetAsync(server.Anonymous, "v4/notifications")).Status);
    }
}
