using System.Collections.Concurrent;
using Sluice.Testing;
using static Sluice.Cli.Tests.EndToEnd.Http;

namespace Sluice.Cli.Tests.EndToEnd;

/// <summary>SIGKILL of <c>sluice serve</c> while it ingests and loads: every acknowledged record ends up in the table exactly once.</summary>
public sealed class CrashTests : IAsyncLifetime
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "sluice-crash-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(dataDir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Serve_KilledWhileLoadingAStreamOfPosts_LoadsEveryAcknowledgedRecordExactlyOnceAfterRestart()
    {
        var acknowledged = new ConcurrentBag<int>();
        string webhookUrl;
        await using (var first = await SluiceProcess.StartAsync(dataDir))
        {
            (_, _, webhookUrl) = await CreateSourceAsync(first.Api, "Crash Stream");
            using var stop = new CancellationTokenSource();
            var next = 0;
            async Task PostLoopAsync()
            {
                while (!stop.IsCancellationRequested)
                {
                    var n = Interlocked.Increment(ref next);
                    var body = $$"""[{"n":{{n}},"part":0,"pad":"{{new string('x', 200)}}"},{"n":{{n}},"part":1,"tags":["a","b"]}]""";
                    try
                    {
                        if (await TryPostAsync(first.Anonymous, webhookUrl, body))
                        {
                            acknowledged.Add(n);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the server is gone
                    }
                    catch (TaskCanceledException)
                    {
                        return;
                    }
                }
            }

            var posters = Enumerable.Range(0, 4).Select(_ => Task.Run(PostLoopAsync)).ToArray();

            // Kill only once loads have happened and posts are still streaming in.
            await WaitForAsync(first.Api, "SELECT count(*) FROM crash_stream.data", rows => long.Parse(rows[0][0], System.Globalization.CultureInfo.InvariantCulture) >= 200, TimeSpan.FromSeconds(60));
            first.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(posters);
        }

        Assert.True(acknowledged.Count >= 100, $"Only {acknowledged.Count} posts were acknowledged before the kill.");

        await using var second = await SluiceProcess.StartAsync(dataDir);
        var expected = acknowledged.Distinct().Order().ToArray();
        await WaitForAsync(
            second.Api,
            "SELECT count(DISTINCT n) FROM crash_stream.data WHERE n <= " + expected[^1],
            rows => long.Parse(rows[0][0], System.Globalization.CultureInfo.InvariantCulture) >= expected.Length,
            TimeSpan.FromSeconds(60));
        // Records the server stored but could not acknowledge before dying may load too; nothing may load twice.
        var (_, duplicates, duplicatesError) = await QueryAsync(second.Api, "SELECT n, part, count(*) FROM crash_stream.data GROUP BY n, part HAVING count(*) > 1 ORDER BY 1, 2");
        Assert.Null(duplicatesError);
        Assert.True(duplicates.Count == 0, "Loaded twice: " + Render(duplicates));
        var (_, tagDuplicates, tagError) = await QueryAsync(second.Api,
            "SELECT _sdc_source_key___sdc_primary_key, _sdc_level_0_id, count(*) FROM crash_stream.data__tags GROUP BY 1, 2 HAVING count(*) > 1");
        Assert.Null(tagError);
        Assert.Empty(tagDuplicates);
        var (_, loaded, loadedError) = await QueryAsync(second.Api, "SELECT DISTINCT n FROM crash_stream.data WHERE part = 1 ORDER BY n");
        Assert.Null(loadedError);
        var loadedNumbers = loaded.Select(r => int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var missing = expected.Where(n => !loadedNumbers.Contains(n)).ToArray();
        Assert.True(missing.Length == 0, $"Acknowledged but not loaded: {string.Join(", ", missing.Take(20))}");
        var (_, tags, _) = await QueryAsync(second.Api, "SELECT count(*) FROM crash_stream.data__tags");
        var (_, parts, _) = await QueryAsync(second.Api, "SELECT count(*) FROM crash_stream.data WHERE part = 1");
        Assert.Equal(long.Parse(parts[0][0], System.Globalization.CultureInfo.InvariantCulture) * 2, long.Parse(tags[0][0], System.Globalization.CultureInfo.InvariantCulture));
    }
}
