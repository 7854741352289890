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
        builder => builder.Services.AddSingleton<IRecordBuffer>(sp => new FirstDeleteFails(sp.GetRequiredService<SqliteRecordBuffer>())),
        new Dictionary<string, string?>(FastLoadingServer.Settings) { ["Loading:MinRetryDelay"] = "00:00:00.2" });

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Load_BufferDeleteFailsAfterCommit_NoDuplicatesAndTheErrorClears()
    {
        var source = await server.CreateSourceAsync(server.Api, "Delete Fails");

        await PostAsync(server.Anonymous, source.WebhookUrl, """[{"n":1},{"n":2},{"n":3}]""");

        AssertRows(["1", "2", "3"], await WaitForRowsAsync(server.Api, "SELECT n FROM delete_fails.data ORDER BY n", 3));
        // The rows show as soon as the commit is done; the failed delete and its notification follow.
        await WaitUntilAsync(async () => (await ApiCall.GetAsync(server.Api, "v4/notifications")).Json.GetArrayLength() > 0, "the load failure is notified");
        var notification = Assert.Single((await ApiCall.GetAsync(server.Api, "v4/notifications")).Json.EnumerateArray());
        Assert.Contains("buffer is busy", notification.GetProperty("message").GetString(), StringComparison.Ordinal);
        JsonElement stats = default;
        await WaitUntilAsync(
            async () =>
            {
                stats = (await ApiCall.GetAsync(server.Api, $"v4/sources/{source.Id}/stats")).Json;
                return stats.GetProperty("rows_to_be_loaded").GetInt64() == 0 && stats.GetProperty("last_load_error").ValueKind == JsonValueKind.Null;
            },
            "the buffer is cleared and the error is gone",
            TimeSpan.FromSeconds(10));
        Assert.Equal("active", stats.GetProperty("status").GetString());

        await PostAsync(server.Anonymous, source.WebhookUrl, """{"n":4}""");
        AssertRows(["1", "2", "3", "4"], await WaitForRowsAsync(server.Api, "SELECT n FROM delete_fails.data ORDER BY n", 4));
    }

    /// <summary>The real buffer, except that its first delete throws as a locked SQLite file would.</summary>
    private sealed class FirstDeleteFails(IRecordBuffer inner) : IRecordBuffer
    {
        private int deletes;

        public Task<IReadOnlyList<BufferedRecord>> ReadAsync(long sourceId, long afterSequence, int maxRecords, long maxBytes, CancellationToken cancellationToken) =>
            inner.ReadAsync(sourceId, afterSequence, maxRecords, maxBytes, cancellationToken);

        public Task<long> DeleteThroughAsync(long sourceId, long throughSequence, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref deletes) == 1
                ? throw new IOException("The buffer is busy (simulated).")
                : inner.DeleteThroughAsync(sourceId, throughSequence, cancellationToken);

        public Task<IReadOnlyList<PendingSource>> GetPendingAsync(CancellationToken cancellationToken) => inner.GetPendingAsync(cancellationToken);
    }
}
