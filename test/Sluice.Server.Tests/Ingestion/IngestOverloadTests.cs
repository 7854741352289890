using System.Net;
using System.Text.Json;
using System.Text;
using Microsoft.Data.Sqlite;
using Sluice.Server.Buffering;
using Sluice.Testing;

namespace Sluice.Server.Tests.Ingestion;

public sealed class IngestOverloadTests
{
    [Fact]
    public async Task Post_WriterQueueFull_503WithRetryAfterAndStoresNothingOfIt()
    {
        await using var server = await SluiceServer.StartAsync(settings: new Dictionary<string, string?> { ["Ingest:QueueCapacity"] = "1" });
        var source = await server.CreateSourceAsync(server.Api, "Overload");

        // Another process holding the write lock (like a stalled disk) keeps the writer from committing.
        using var blocker = new SqliteConnection($"Data Source={Path.Combine(server.DataDir, "buffer.db")}");
        blocker.Open();
        var transaction = blocker.BeginTransaction(deferred: false);
        var posts = Enumerable.Range(0, 8).Select(i => PostAsync(server, source.WebhookUrl, i)).ToList();
        var overloaded = await Task.WhenAny(posts);
        transaction.Commit();
        transaction.Dispose();
        var results = await Task.WhenAll(posts);

        var first = await overloaded;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Status);
        Assert.Equal("1", first.RetryAfter);
        Assert.Contains("queue is full", first.Body, StringComparison.Ordinal);
        Assert.Contains(results, r => r.Status == HttpStatusCode.OK);
        Assert.All(results, r => Assert.Contains(r.Status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        var stored = await server.GetService<IRecordBuffer>().ReadAsync(source.Id, 0, 100, long.MaxValue, CancellationToken.None);
        var acceptedIds = results.Where(r => r.Status == HttpStatusCode.OK).Select(r => r.Id).Order();
        Assert.Equal(acceptedIds, stored.Select(r => JsonDocument.Parse(r.Json).RootElement.GetProperty("i").GetInt32()).Order());
    }

    private static async Task<(int Id, HttpStatusCode Status, string? RetryAfter, string Body)> PostAsync(SluiceServer server, string url, int id)
    {
        using var content = new StringContent($$"""{"i":{{id}}}""", Encoding.UTF8, "application/json");
        using var response = await server.Anonymous.PostAsync(url, content);
        return (id, response.StatusCode, response.Headers.RetryAfter?.ToString(), await response.Content.ReadAsStringAsync());
    }
}
