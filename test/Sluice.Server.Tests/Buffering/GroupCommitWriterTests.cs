using Sluice.Server.Buffering;

namespace Sluice.Server.Tests.Buffering;

public sealed class GroupCommitWriterTests
{
    [Fact]
    public async Task AppendAsync_ManyConcurrentRequests_ServedByFewerTransactions()
    {
        await using var buffer = new TestBuffer();
        await buffer.StartAsync();
        const int clients = 32;
        const int perClient = 20;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var results = new List<AppendOutcome>();
            for (var i = 0; i < perClient; i++)
            {
                results.Add(await buffer.Writer.AppendAsync(1, [$$"""{"client":{{client}},"i":{{i}}}"""], CancellationToken.None));
            }

            return results;
        })));

        Assert.All(outcomes.SelectMany(o => o), o => Assert.Equal(AppendOutcome.Accepted, o));
        Assert.Equal(clients * perClient, buffer.Writer.RecordsWritten);
        Assert.InRange(buffer.Writer.Commits, 1, (clients * perClient) - 1);
        Assert.Equal(clients * perClient, (await buffer.Buffer.ReadAsync(1, 0, 10_000, long.MaxValue, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task AppendAsync_RequestsWaitingAtStart_OneTransactionServesThemAll()
    {
        await using var buffer = new TestBuffer();
        var pending = Enumerable.Range(0, 50)
            .Select(i => buffer.Writer.AppendAsync(i % 3, [$$"""{"i":{{i}}}"""], CancellationToken.None).AsTask())
            .ToList();

        await buffer.StartAsync();
        await Task.WhenAll(pending);

        Assert.Equal(1, buffer.Writer.Commits);
        Assert.Equal(50, buffer.Writer.RecordsWritten);
    }

    [Fact]
    public async Task AppendAsync_QueueFull_ReturnsOverloadedAtOnceAndStoresNothingOfIt()
    {
        await using var buffer = new TestBuffer(queueCapacity: 2);
        var first = buffer.Writer.AppendAsync(1, ["""{"n":1}"""], CancellationToken.None).AsTask();
        var second = buffer.Writer.AppendAsync(1, ["""{"n":2}"""], CancellationToken.None).AsTask();

        var third = buffer.Writer.AppendAsync(1, ["""{"n":3}"""], CancellationToken.None);

        Assert.True(third.IsCompleted);
        Assert.Equal(AppendOutcome.Overloaded, await third);
        await buffer.StartAsync();
        Assert.Equal([AppendOutcome.Accepted, AppendOutcome.Accepted], await Task.WhenAll(first, second));
        var stored = await buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None);
        Assert.Equal(["""{"n":1}""", """{"n":2}"""], stored.Select(r => r.Json));
    }

    [Fact]
    public async Task AppendAsync_EmptyList_AcceptedWithoutATransaction()
    {
        await using var buffer = new TestBuffer();
        await buffer.StartAsync();

        Assert.Equal(AppendOutcome.Accepted, await buffer.Writer.AppendAsync(1, [], CancellationToken.None));
        Assert.Equal(0, buffer.Writer.Commits);
    }

    [Fact]
    public async Task StopAsync_RequestsQueued_CommitsThemBeforeStopping()
    {
        await using var buffer = new TestBuffer();
        var queued = Enumerable.Range(0, 10)
            .Select(i => buffer.Writer.AppendAsync(1, [$$"""{"i":{{i}}}"""], CancellationToken.None).AsTask())
            .ToList();

        await buffer.StartAsync();
        await buffer.Writer.StopAsync(CancellationToken.None);

        Assert.All(await Task.WhenAll(queued), o => Assert.Equal(AppendOutcome.Accepted, o));
        Assert.Equal(10, (await buffer.Buffer.ReadAsync(1, 0, 100, long.MaxValue, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task AppendAsync_AfterStop_ReturnsOverloaded()
    {
        await using var buffer = new TestBuffer();
        await buffer.StartAsync();
        await buffer.Writer.StopAsync(CancellationToken.None);

        Assert.Equal(AppendOutcome.Overloaded, await buffer.Writer.AppendAsync(1, ["""{"n":1}"""], CancellationToken.None));
    }
}
