using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Sluice.Testing;
using Xunit.Abstractions;
using static Sluice.Cli.Tests.EndToEnd.Http;

namespace Sluice.Cli.Tests.Backup;

/// <summary><c>sluice backup</c> against a running <c>sluice serve</c> process, and <c>sluice restore</c> into a fresh data directory.</summary>
public sealed partial class BackupRestoreTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(60);
    private readonly string scratch = Path.Combine(Path.GetTempPath(), "sluice-backup-" + Guid.NewGuid().ToString("N"));

    private string Dir(string name) => Path.Combine(scratch, name);

    [Fact]
    public async Task Backup_WhileEventsArePosted_RestoredServerLoadsEveryAcknowledgedEventOnce()
    {
        var acknowledged = new ConcurrentDictionary<int, long>();
        string webhookUrl;
        long backupStarted;
        await using (var original = await SluiceProcess.StartAsync(Dir("original")))
        {
            // Append-only (no key): an event loaded twice would be two rows.
            webhookUrl = (await CreateSourceAsync(original.Api, "Orders")).WebhookUrl;
            using var stop = new CancellationTokenSource();
            var next = 0;
            var posters = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var n = Interlocked.Increment(ref next);
                    if (await TryPostAsync(original.Anonymous, webhookUrl, $$"""{"n": {{n}}, "payload": "{{new string('x', 200)}}"}"""))
                    {
                        acknowledged[n] = Stopwatch.GetTimestamp();
                    }
                }
            })).ToList();

            // Some events loaded (a DuckDB file with rows and a checkpoint), others still pending, posts going on.
            await WaitForAsync(original.Api, "SELECT count(*) FROM orders.data", rows => long.Parse(rows[0][0]) >= 200, LoadTimeout);
            backupStarted = Stopwatch.GetTimestamp();
            var clock = Stopwatch.StartNew();
            var (exit, stdout, stderr) = await SluiceProcess.RunCliAsync("backup", Dir("backup"), "--data-dir", Dir("original"));
            var seconds = clock.Elapsed.TotalSeconds;
            await Task.Delay(500);
            await stop.CancelAsync();
            await Task.WhenAll(posters);
            Assert.True(exit == 0, $"sluice backup exited {exit}: {stderr}");
            Assert.Contains("Backed up", stdout, StringComparison.Ordinal);
            Assert.Contains("backup: received", stderr, StringComparison.Ordinal);
            var bytes = Directory.EnumerateFiles(Dir("backup"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            output.WriteLine($"backup of {acknowledged.Count} acknowledged events in {seconds:0.0} s (CLI process included), {bytes / 1024.0:0} KiB: {stdout.Trim()}");
        }

        var before = acknowledged.Where(a => a.Value < backupStarted).Select(a => a.Key).ToHashSet();
        Assert.True(before.Count >= 200, $"only {before.Count} events were acknowledged before the backup");
        Assert.True(acknowledged.Count > before.Count, "no event was acknowledged while the backup ran: the test did not post continuously");

        var (restoreExit, restoreOut, restoreError) = await SluiceProcess.RunCliAsync("restore", Dir("backup"), "--data-dir", Dir("restored"));
        Assert.True(restoreExit == 0, $"sluice restore exited {restoreExit}: {restoreError}");
        Assert.Contains("Restored the backup", restoreOut, StringComparison.Ordinal);

        // The restored admin-token is account 1's token: the API accepts it (StartAsync waits for GET /v4/sources with it).
        await using var restored = await SluiceProcess.StartAsync(Dir("restored"));
        var (_, loaded) = await WaitForAsync(restored.Api, "SELECT n FROM orders.data", rows => before.IsSubsetOf(rows.Select(r => int.Parse(r[0]))), LoadTimeout);
        var numbers = loaded.Select(r => int.Parse(r[0])).ToList();
        var twice = numbers.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"{twice.Count} events loaded twice, e.g. {string.Join(", ", twice.Take(5))}");
        Assert.All(numbers, n => Assert.True(acknowledged.ContainsKey(n), $"event {n} was never acknowledged"));
        output.WriteLine($"{before.Count} acknowledged before the backup, {numbers.Count} in the restored warehouse");

        // The source and its webhook URL (its token) still work, and a new event loads after the restored ones.
        var restoredUrl = WebhookBase().Replace(webhookUrl, restored.BaseAddress.ToString().TrimEnd('/'));
        await PostAsync(restored.Anonymous, restoredUrl, """{"n": -1}""");
        var (_, last) = await WaitForAsync(
            restored.Api, "SELECT n FROM orders.data ORDER BY _sdc_sequence DESC LIMIT 1", rows => rows.Count == 1 && rows[0][0] == "-1", LoadTimeout);
        Assert.Equal("-1", last[0][0]);
        var (_, all) = await WaitForAsync(restored.Api, "SELECT count(*), count(DISTINCT n) FROM orders.data", _ => true, LoadTimeout);
        Assert.Equal(all[0][1], all[0][0]);
    }

    [Fact]
    public async Task Restore_RunningServersDataDirOrNotABackup_RefusedWithTheReason()
    {
        await using var server = await SluiceProcess.StartAsync(Dir("live"));
        var (exit, _, error) = await SluiceProcess.RunCliAsync("backup", Dir("backup"), "--data-dir", Dir("live"));
        Assert.True(exit == 0, error);

        // Into the running server's data directory: refused, nothing changed.
        var tokenBefore = await File.ReadAllTextAsync(Path.Combine(Dir("live"), "admin-token"));
        (exit, _, error) = await SluiceProcess.RunCliAsync("restore", Dir("backup"), "--data-dir", Dir("live"), "--force");
        Assert.Equal(1, exit);
        Assert.Contains("is in use by a running 'sluice serve'", error, StringComparison.Ordinal);
        Assert.Equal(tokenBefore, await File.ReadAllTextAsync(Path.Combine(Dir("live"), "admin-token")));
        using (var sources = await server.Api.GetAsync(new Uri("v4/sources", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, sources.StatusCode);
        }

        // A directory that is not a backup.
        Directory.CreateDirectory(Dir("not-a-backup"));
        await File.WriteAllTextAsync(Path.Combine(Dir("not-a-backup"), "control.db"), "x");
        (exit, _, error) = await SluiceProcess.RunCliAsync("restore", Dir("not-a-backup"), "--data-dir", Dir("fresh"));
        Assert.Equal(1, exit);
        Assert.Contains("is not a Sluice backup: it has no manifest.json", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Dir("fresh")));

        // A damaged backup: a file that is not what was backed up.
        await File.AppendAllTextAsync(Path.Combine(Dir("backup"), "control.db"), "garbage");
        (exit, _, error) = await SluiceProcess.RunCliAsync("restore", Dir("backup"), "--data-dir", Dir("fresh"));
        Assert.Equal(1, exit);
        Assert.Contains("is damaged: control.db", error, StringComparison.Ordinal);

        // A second server on the same data directory is refused too.
        var (serveExit, _, serveError) = await SluiceProcess.RunCliAsync("serve", "--urls", "http://127.0.0.1:0", "--data-dir", Dir("live"));
        Assert.Equal(1, serveExit);
        Assert.Contains("is in use by another 'sluice serve'", serveError, StringComparison.Ordinal);

        // Into a non-empty backup directory: refused.
        (exit, _, error) = await SluiceProcess.RunCliAsync("backup", Dir("backup"), "--data-dir", Dir("live"));
        Assert.Equal(1, exit);
        Assert.Contains("is not empty", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_TokenOfAnotherAccount_ForbiddenAndNothingWritten()
    {
        await using var server = await SluiceProcess.StartAsync(Dir("live"));
        var (exit, created, error) = await SluiceProcess.RunCliAsync("accounts", "create", "--data-dir", Dir("live"), "--json");
        Assert.True(exit == 0, error);
        var token = System.Text.Json.JsonDocument.Parse(created).RootElement.GetProperty("token").GetString()!;

        (exit, _, error) = await SluiceProcess.RunCliAsync("backup", Dir("backup"), "--data-dir", Dir("live"), "--token", token);
        Assert.Equal(1, exit);
        Assert.Contains("only an API token of account 1", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Dir("backup")));
    }

    public void Dispose()
    {
        if (Directory.Exists(scratch))
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [GeneratedRegex("^https?://[^/]+")]
    private static partial Regex WebhookBase();
}
