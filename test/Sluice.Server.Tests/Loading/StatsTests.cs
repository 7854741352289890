using Sluice.Server.Tests.Api;
using Sluice.Testing;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Loading;

/// <summary><c>GET /v4/sources/{id}/stats</c>: what waits in the buffer, then what was loaded today.</summary>
public sealed class StatsTests() : ServerPerClass(FullBatchesOf(5))
{
    [Fact]
    public async Task Stats_PendingThenLoaded_ShowsRowsToBeLoadedThenRowsLoadedToday()
    {
        var source = await Server.CreateSourceAsync(Server.Api, "Stats Source");
        var before = await ApiCall.GetAsync(Server.Api, $"v4/sources/{source.Id}/stats");
        before.AssertOk();
        Assert.Equal(0, before.Json.GetProperty("rows_to_be_loaded").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, before.Json.GetProperty("last_rows_received_at").ValueKind);

        await PostAsync(Server.Anonymous, source.WebhookUrl, """[{"n":1},{"n":2},{"n":3}]""");

        var pending = await ApiCall.GetAsync(Server.Api, $"v4/sources/{source.Id}/stats");
        pending.AssertOk();
        Assert.Equal(3, pending.Json.GetProperty("rows_to_be_loaded").GetInt64());
        Assert.Equal(1, pending.Json.GetProperty("tables_to_be_loaded").GetInt32());
        Assert.Equal(0, pending.Json.GetProperty("rows_loaded_today").GetInt64());
        Assert.EndsWith("Z", pending.Json.GetProperty("last_rows_received_at").GetString(), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, pending.Json.GetProperty("last_load_error").ValueKind);
        Assert.Equal("active", pending.Json.GetProperty("status").GetString());

        await PostAsync(Server.Anonymous, source.WebhookUrl, """[{"n":4},{"n":5}]""");

        ApiCall after = null!;
        await Eventually.AssertAsync(
            async () =>
            {
                after = await ApiCall.GetAsync(Server.Api, $"v4/sources/{source.Id}/stats");
                // The buffer delete follows the destination commit, so the pending count drops a moment after the load shows.
                return after.Json.GetProperty("rows_loaded_today").GetInt64() > 0 && after.Json.GetProperty("rows_to_be_loaded").GetInt64() == 0;
            },
            "the stats show the load");
        Assert.Equal(5, after.Json.GetProperty("rows_loaded_today").GetInt64());
        Assert.Equal(0, after.Json.GetProperty("rows_to_be_loaded").GetInt64());
        Assert.Equal(0, after.Json.GetProperty("tables_to_be_loaded").GetInt32());
        Assert.Equal("stats_source.data", after.Json.GetProperty("last_table_loaded").GetString());
        Assert.EndsWith("Z", after.Json.GetProperty("last_table_loaded_at").GetString(), StringComparison.Ordinal);
        AssertRows(["5"], Rows(await QueryAsync(Server.Api, "SELECT count(*) FROM stats_source.data")));
    }

    [Fact]
    public async Task Stats_OtherAccountsSource_Answers404()
    {
        var source = await Server.CreateSourceAsync(Server.Api, "Mine");
        var other = await Server.CreateAccountAsync();

        (await ApiCall.GetAsync(other.Api, $"v4/sources/{source.Id}/stats")).AssertError(System.Net.HttpStatusCode.NotFound, "not_found", "was not found");
    }
}
