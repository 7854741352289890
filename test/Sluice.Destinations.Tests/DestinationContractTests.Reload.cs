using System.Runtime.CompilerServices;
using Sluice.Core.Buffering;
using Sluice.Core.Hooks;
using Sluice.Core.Loading;
using Sluice.Core.Normalization;
using Sluice.Core.Sources;
using Sluice.Core.Tables;

namespace Sluice.Destinations.Tests;

/// <summary>
/// A reload (issue 16 part 8) on both destinations: the source's tables rebuilt from its raw records in one transaction, rows
/// at the next table version, the rejections of the reloaded loads replaced, and a summary whose hooks say <c>new_version</c>.
/// </summary>
public abstract partial class DestinationContractTests
{
    private static readonly SourceLayout ByEvent = new(new TableRoute(TableRouteKind.Header, "X-GitHub-Event"), ["X-GitHub-Delivery"], null);

    private static BufferedRecord GitHubRecord(long sequence, string @event, string json) =>
        new(7, sequence, Received, json)
        {
            Headers = new Dictionary<string, string> { ["x-github-event"] = @event, ["x-github-delivery"] = $"delivery-{sequence}" },
        };

    private static readonly BufferedRecord[] Archived =
    [
        GitHubRecord(101, "issues", """{"action":"opened","issue":{"number":1,"title":"Crash on start","labels":[{"name":"bug"}],"reactions":{"+1":2,"-1":0}}}"""),
        GitHubRecord(102, "issues", """{"action":"labeled","issue":{"number":2,"title":"Docs","labels":[{"name":"docs"},{"name":"good first issue"}],"reactions":{"+1":0,"-1":1}}}"""),
        GitHubRecord(103, "push", """{"ref":"refs/heads/main","commits":[{"id":"c1","added":["a.txt"]}]}"""),
        GitHubRecord(104, "star", """{"action":"created","starred_at":"2026-12-01T09:00:00Z"}"""),
    ];

    /// <summary>Plans <paramref name="records"/> as one load against <paramref name="tables"/>.</summary>
    private LoadPlan PlanGitHub(IReadOnlyList<BufferedRecord> records, IReadOnlyList<TableSchema> tables, DateTime batchedAt, long version = 0, bool reload = false) =>
        _planner.Plan(
            new LoadContext(7, "gh_reload", "_sdc_header_x_github_delivery", Guid.NewGuid) { Layout = ByEvent, TableVersion = version, NewVersion = reload },
            records, tables, batchedAt);

    private static async IAsyncEnumerable<LoadRequest> Parts(IEnumerable<Func<Task<LoadRequest>>> parts, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var part in parts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return await part();
        }
    }

    [Fact]
    public async Task Reload_RebuildsTablesFromRawRecordsAtTheNextVersionInOneTransaction()
    {
        // As an older Sluice left it: the first two records loaded, the third rejected for a naming rule, the fourth loaded later.
        var first = PlanGitHub(Archived[..3], await Destination.GetTablesAsync("gh_reload", default), new DateTime(2026, 12, 1, 9, 5, 0, DateTimeKind.Utc));
        var oldRequest = first.ToLoadRequest();
        var withoutPush = oldRequest with
        {
            SchemaChanges = oldRequest.SchemaChanges.Where(c => c is not CreateTable { Table: "push" or "push__commits" or "push__commits__added" }).ToList(),
            Writes = oldRequest.Writes.Where(w => !w.Table.StartsWith("push", StringComparison.Ordinal)).ToList(),
            Mappings = oldRequest.Mappings.Where(m => m.RootTable != "push").ToList(),
            Rejections = [new RejectedRecord(first.Summary.BatchedAt, "push", "Field collision on commits__added", Archived[2].Json)],
        };
        await Destination.CommitLoadAsync(withoutPush, default);
        var second = PlanGitHub(Archived[3..], await Destination.GetTablesAsync("gh_reload", default), new DateTime(2026, 12, 1, 9, 6, 0, DateTimeKind.Utc));
        await Destination.CommitLoadAsync(second.ToLoadRequest(), default);
        await AssertRowsAsync("SELECT count(*) FROM gh_reload._sdc_rejected", [[1L]]);
        Assert.Equal(0L, await Destination.GetTableVersionAsync(7, default));

        // The reload: the archived records again, in two parts, the second adding a table (push) in the same transaction.
        var reloadAt = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
        IReadOnlyList<TableSchema> empty = [];
        var partOne = PlanGitHub(Archived[..2], empty, reloadAt, version: 1, reload: true);
        var partTwo = PlanGitHub(Archived[2..], partOne.TablesAfter(empty), reloadAt, version: 1, reload: true);
        var summary = await Destination.CommitLoadAsync(
            Parts([
                () => Task.FromResult(partOne.ToLoadRequest() with { Reload = new LoadReload(1, Archived[0].Sequence) }),
                () => Task.FromResult(partTwo.ToLoadRequest()),
            ]),
            default);

        Assert.Equal(1L, summary.SupersededRejections);
        Assert.Equal(1L, await Destination.GetTableVersionAsync(7, default));
        await AssertRowsAsync("SELECT count(*) FROM gh_reload._sdc_rejected", [[0L]]);
        Assert.Equal(
            ["issues", "issues__issue__labels", "push", "push__commits", "push__commits__added", "star"],
            (await Destination.GetTablesAsync("gh_reload", default)).Select(t => t.Name));
        await AssertRowsAsync("SELECT count(*), min(_sdc_table_version), max(_sdc_table_version) FROM gh_reload.issues", [[2L, 1L, 1L]]);
        await AssertRowsAsync("SELECT count(*) FROM gh_reload.issues__issue__labels", [[3L]]);
        await AssertRowsAsync("SELECT id, _sdc_table_version FROM gh_reload.push__commits", [["c1", 1L]]);
        await AssertRowsAsync("SELECT value FROM gh_reload.push__commits__added", [["a.txt"]]);
        await AssertRowsAsync("SELECT _sdc_header_x_github_delivery FROM gh_reload.star", [["delivery-104"]]);

        // _sluice_columns describes the new tables once each, not the old ones besides them.
        await AssertRowsAsync(
            "SELECT count(*), count(DISTINCT table_name || '.' || column_name) FROM gh_reload._sluice_columns WHERE table_name = 'issues'",
            [[(long)(await Destination.GetTablesAsync("gh_reload", default)).Single(t => t.Name == "issues").Columns.Count, (long)(await Destination.GetTablesAsync("gh_reload", default)).Single(t => t.Name == "issues").Columns.Count]]);

        // The stored summary (what the hook outbox reads) says new_version for every root table, at version 1.
        var stored = (await Destination.GetLoadsAsync(7, reloadAt.AddSeconds(-1), 10, default)).Single();
        var payloads = PostLoadPayload.FromLoad(stored);
        Assert.Equal(["issues", "push", "star"], payloads.Select(p => p.DestinationRootTableName).Order(StringComparer.Ordinal));
        Assert.All(payloads, p => Assert.True(p.NewVersion));
        Assert.All(payloads, p => Assert.Equal(1L, p.TableVersion));

        // Loads after the reload go on at its version, and their hooks no longer say new_version.
        var after = PlanGitHub(
            [GitHubRecord(105, "issues", """{"action":"closed","issue":{"number":1,"title":"Crash on start","labels":[],"reactions":{"+1":3,"-1":0}}}""")],
            await Destination.GetTablesAsync("gh_reload", default), reloadAt.AddMinutes(1), version: 1);
        var afterSummary = await Destination.CommitLoadAsync(LoadParts.Of(after.ToLoadRequest()), default);
        await AssertRowsAsync("SELECT count(*), max(_sdc_table_version) FROM gh_reload.issues", [[3L, 1L]]);
        Assert.All(PostLoadPayload.FromLoad(afterSummary), p => Assert.False(p.NewVersion));
    }

    [Fact]
    public async Task Reload_RejectionThatStillFails_IsLoggedOnceAndOtherSourcesAreUntouched()
    {
        var records = new[]
        {
            new BufferedRecord(8, 201, Received, """{"id":1,"status":"paid"}"""),
            new BufferedRecord(8, 202, Received, """{"status":"no id"}"""),
        };
        var context = new LoadContext(8, "orders_reload", "id", Guid.NewGuid);
        var batchedAt = new DateTime(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);
        await Destination.CommitLoadAsync(_planner.Plan(context, records, [], batchedAt).ToLoadRequest(), default);
        await LoadAsync("bystander", """{"kept":true}""");
        await AssertRowsAsync("SELECT count(*) FROM orders_reload._sdc_rejected", [[1L]]);

        var reload = _planner.Plan(context with { TableVersion = 1, NewVersion = true }, records, [], batchedAt.AddHours(1));
        var summary = await Destination.CommitLoadAsync(LoadParts.Of(reload.ToLoadRequest() with { Reload = new LoadReload(1, 201) }), default);

        Assert.Equal(1L, summary.SupersededRejections);
        await AssertRowsAsync("SELECT count(*), max(_sdc_rejected_at) FROM orders_reload._sdc_rejected", [[1L, batchedAt.AddHours(1)]]);
        await AssertRowsAsync("SELECT id, _sdc_table_version FROM orders_reload.data", [[1L, 1L]]);
        await AssertRowsAsync("SELECT count(*) FROM bystander.data", [[1L]]);
        Assert.Equal(0L, await Destination.GetTableVersionAsync(1, default));
    }
}
