using Sluice.Core.Normalization;
using Sluice.Server.Buffering;
using Sluice.Server.Destinations;
using Sluice.Server.Loading;
using Sluice.Testing;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Loading;

/// <summary>Exactly once across a crash between the destination commit and the buffer delete.</summary>
public sealed class ResumeTests : IAsyncLifetime
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "sluice-resume-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SluiceServer.TryDelete(dataDir);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Restart_AfterCommitWithoutBufferDelete_LoadsNothingTwiceAndLosesNothing()
    {
        TestSource source;
        string token;
        var settings = new Dictionary<string, string?> { ["Sluice:DataDir"] = dataDir, ["Loading:Interval"] = "01:00:00" };

        // First life: records are acknowledged, then one load is committed by hand and the "process dies" before the
        // buffer delete that would follow it.
        await using (var first = await SluiceServer.StartAsync(settings: settings))
        {
            token = first.AdminToken;
            source = await first.CreateSourceAsync(first.Api, "Resumed Events");
            await PostAsync(first.Anonymous, source.WebhookUrl, """[{"n":1,"tags":["a"]},{"n":2},{"n":3,"tags":["b","c"]}]""");

            var buffer = first.GetService<IRecordBuffer>();
            var target = (await first.GetService<ILoadTargetCatalog>().GetAsync(source.Id, CancellationToken.None))!;
            var destination = await first.GetService<IDestinationProvider>().GetAsync(target.ClientId, CancellationToken.None);
            var records = await buffer.ReadAsync(source.Id, 0, 1000, long.MaxValue, CancellationToken.None);
            Assert.Equal(3, records.Count);
            var plan = first.GetService<LoadPlanner>().Plan(
                new LoadContext(source.Id, target.Schema, target.PrimaryKey, Guid.NewGuid),
                records,
                await destination.GetTablesAsync(target.Schema, CancellationToken.None),
                DateTime.UtcNow);
            await destination.CommitLoadAsync(plan.ToLoadRequest(), CancellationToken.None);

            Assert.Equal(3, (await buffer.ReadAsync(source.Id, 0, 1000, long.MaxValue, CancellationToken.None)).Count);
        }

        // Second life on the same data directory, loading quickly: the three committed records must not load again.
        await using var second = await SluiceServer.StartAsync(settings: new Dictionary<string, string?>(FastLoadingServer.Settings) { ["Sluice:DataDir"] = dataDir });
        Assert.Equal(token, second.AdminToken);
        var webhookUrl = new Uri(second.BaseAddress, new Uri(source.WebhookUrl).AbsolutePath.TrimStart('/')).ToString();
        await PostAsync(second.Anonymous, webhookUrl, """[{"n":4},{"n":5,"tags":["d"]}]""");

        var rows = await WaitForRowsAsync(second.Api, "SELECT n FROM resumed_events.data ORDER BY n", 5);
        await Eventually.AssertAsync(
            async () => (await second.GetService<IRecordBuffer>().GetPendingAsync(CancellationToken.None)).Count == 0,
            "the buffer is empty");
        AssertRows(["1", "2", "3", "4", "5"], Rows(await QueryAsync(second.Api, "SELECT n FROM resumed_events.data ORDER BY n")));
        AssertRows(
            ["1|a", "3|b", "3|c", "5|d"],
            Rows(await QueryAsync(second.Api,
                "SELECT d.n, t.value FROM resumed_events.data d JOIN resumed_events.data__tags t ON t._sdc_source_key___sdc_primary_key = d.__sdc_primary_key ORDER BY 1, 2")));
        Assert.Equal(5, rows.Count);
    }
}
