using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Core.Buffering;
using Sluice.Server.Buffering;
using Sluice.Server.Tests.Api;
using Sluice.Testing;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Loading;

/// <summary>
/// The loader when the buffer delete after a committed load fails (the in-process twin of a crash between the two): the
/// next attempt resumes from the destination's checkpoint, loads nothing twice, and the source stops showing the error.
/// </summary>
public sealed class BufferDeleteFailureTests : IAsyncLifetime
{
    private SluiceServer server = null!;

    public async Task InitializeAsync() => server = await SluiceServer.StartAsync(
        builder => builder.Services.AddSingleton<IRecordBuffer>(sp => new NthDeleteFails(sp.GetRequiredService<SqliteRecordBuffer>(), 1)),
        new Dictionary<string, string?>(FastLoadingServer.Settings) { ["Loading:MinRetryDelay"] = "00:00:00.2" });

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Load_BufferDeleteFailsAfterCommit_NoDuplicatesAndTheErrorClears()
    {
        var source = await server.CreateSourceAsync(server.Api, "Delete Fails");

        await PostAsync(server.Anonymous, source.WebhookUrl, """[{"n":1},{"n":2},{"n":3}]""");

        AssertRows(["1", "2", "3"], await WaitForRowsAsync(server.Api, "SELECT n FROM delete_fails.data ORDER BY n", 3));
        // The rows show as soon as the commit is done; the failed delete and its notification follow.
        await Eventually.AssertAsync(async () => (await ApiCall.GetAsync(server.Api, "v4/notifications")).Json.GetArrayLength() > 0, "the load failure is notified");
        var notification = Assert.Single((await ApiCall.GetAsync(server.Api, "v4/notifications")).Json.EnumerateArray());
        Assert.Contains("buffer is busy", notification.GetProperty("message").GetString(), StringComparison.Ordinal);
        var stats = await WaitForStatsAsync(
            server.Api,
            source.Id,
            s => s.GetProperty("rows_to_be_loaded").GetInt64() == 0 && s.GetProperty("last_load_error").ValueKind == JsonValueKind.Null,
            "the buffer is cleared and the error is gone",
            TimeSpan.FromSeconds(10));
        Assert.Equal("active", stats.GetProperty("status").GetString());

        await PostAsync(server.Anonymous, source.WebhookUrl, """{"n":4}""");
        AssertRows(["1", "2", "3", "4"], await WaitForRowsAsync(server.Api, "SELECT n FROM delete_fails.data ORDER BY n", 4));
    }

    [Fact]
    public async Task Load_BacklogWhoseSecondDeleteFails_LoadsEveryRecordOnceAndEmptiesTheBuffer()
    {
        // Loads of 2 records, the next planned while one commits; the second load's delete fails. Every record still lands
        // exactly once and the buffer ends up empty.
        await using var backlog = await SluiceServer.StartAsync(
            builder => builder.Services.AddSingleton<IRecordBuffer>(sp => new NthDeleteFails(sp.GetRequiredService<SqliteRecordBuffer>(), 2)),
            new Dictionary<string, string?>(FastLoadingServer.Settings) { ["Loading:MinRetryDelay"] = "00:00:00.2", ["Loading:MaxRecords"] = "2" });
        var source = await backlog.CreateSourceAsync(backlog.Api, "Backlog Deletes");

        await PostAsync(backlog.Anonymous, source.WebhookUrl, """[{"n":1},{"n":2},{"n":3},{"n":4},{"n":5},{"n":6},{"n":7}]""");

        AssertRows(["1", "2", "3", "4", "5", "6", "7"], await WaitForRowsAsync(backlog.Api, "SELECT n FROM backlog_deletes.data ORDER BY n", 7));
        await Eventually.AssertAsync(
            async () =>
            {
                var stats = (await ApiCall.GetAsync(backlog.Api, $"v4/sources/{source.Id}/stats")).Json;
                return stats.GetProperty("rows_to_be_loaded").GetInt64() == 0 && stats.GetProperty("last_load_error").ValueKind == JsonValueKind.Null;
            },
            "the buffer is cleared and the error is gone",
            TimeSpan.FromSeconds(10));
        AssertRows(["7"], await WaitForRowsAsync(backlog.Api, "SELECT count(*) FROM backlog_deletes.data", 1));
    }

    /// <summary>The real buffer, except that its <c>failing</c>-th delete throws as a locked SQLite file would.</summary>
    private sealed class NthDeleteFails(IRecordBuffer inner, int failing) : IRecordBuffer
    {
        private int deletes;

        public Task<IReadOnlyList<BufferedRecord>> ReadAsync(long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken) =>
            inner.ReadAsync(sourceId, afterSequence, maxRecords, maxBytes, cancellationToken);

        public Task<long> DeleteThroughAsync(long sourceId, long throughSequence, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref deletes) == failing
                ? throw new IOException("The buffer is busy (simulated).")
                : inner.DeleteThroughAsync(sourceId, throughSequence, cancellationToken);

        public Task<IReadOnlyList<PendingSource>> GetPendingAsync(CancellationToken cancellationToken) => inner.GetPendingAsync(cancellationToken);

        public Task<IReadOnlyList<BufferedRecord>> ReadArchivedAsync(long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken) =>
            inner.ReadArchivedAsync(sourceId, afterSequence, maxRecords, maxBytes, cancellationToken);

        public Task<ArchiveStats> GetArchiveAsync(long sourceId, CancellationToken cancellationToken) => inner.GetArchiveAsync(sourceId, cancellationToken);
    }
}
