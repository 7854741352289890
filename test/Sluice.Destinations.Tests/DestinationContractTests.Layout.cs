using Sluice.Core.Buffering;
using Sluice.Core.Normalization;
using Sluice.Core.Sources;

namespace Sluice.Destinations.Tests;

/// <summary>
/// The contract for Sluice's rules past Stitch's, run alike on both destinations: records planned by the real planner
/// against the destination's own tables and mappings, committed, and read back by query as a user would.
/// </summary>
public abstract partial class DestinationContractTests
{
    private static readonly DateTimeOffset Received = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly LoadPlanner _planner = new();
    private long _sequence = 1_764_579_600_000_000_000;

    /// <summary>Plans <paramref name="records"/> (JSON, with the request headers Sluice kept) against the destination's tables and commits them.</summary>
    protected async Task<LoadPlan> LoadAsync(string schema, string? primaryKey, SourceLayout layout, params (string Json, (string Name, string Value)[] Headers)[] records)
    {
        var buffered = records.Select(r => new BufferedRecord(1, ++_sequence, Received, r.Json)
        {
            Headers = r.Headers.Length == 0 ? null : r.Headers.ToDictionary(h => h.Name.ToLowerInvariant(), h => h.Value),
        }).ToArray();
        var tables = await Destination.GetTablesAsync(schema, default);
        var plan = _planner.Plan(new LoadContext(1, schema, primaryKey, Guid.NewGuid) { Layout = layout }, buffered, tables, DateTime.UtcNow);
        await Destination.CommitLoadAsync(plan.ToLoadRequest(), default);
        return plan;
    }

    protected Task<LoadPlan> LoadAsync(string schema, params string[] jsons) =>
        LoadAsync(schema, null, SourceLayout.Default, jsons.Select(j => (j, Array.Empty<(string, string)>())).ToArray());

    private async Task<string> ColumnOfAsync(string schema, string table, string path)
    {
        var rows = await RowsAsync($"SELECT column_name FROM {schema}._sluice_columns WHERE table_name = '{table}' AND json_path = '{path.Replace("'", "''", StringComparison.Ordinal)}'");
        return (string)Assert.Single(rows)[0]!;
    }

    [Fact]
    public async Task Load_TwoThousandFieldStream_EveryRecordLoadsWithLateFieldsInOverflowAndNothingRejected()
    {
        // Fifty event types of forty fields each, 2,000 distinct fields, then a small neighbour record.
        var events = Enumerable.Range(0, 50).Select(e =>
            "{" + string.Join(",", Enumerable.Range(0, 40).Select(f => $"\"e{e}_field_{f}\":{(e * 40) + f}")) + $",\"type\":\"t{e}\"}}").ToArray();
        await LoadAsync("wide", events[..25]);
        await LoadAsync("wide", [.. events[25..], """{"marker":"neighbour"}"""]);

        await AssertRowsAsync("SELECT count(*) FROM wide._sdc_rejected", [[0L]]);
        await AssertRowsAsync("SELECT count(*) FROM wide.data", [[51L]]);
        var table = Assert.Single(await Destination.GetTablesAsync("wide", default));
        Assert.Equal(ColumnNamer.OverflowAt + 1, table.Columns.Count);
        await AssertRowsAsync("SELECT CAST(_sdc_overflow->>'e49_field_39' AS BIGINT) FROM wide.data WHERE type = 't49'", [[1999L]]);
        await AssertRowsAsync("SELECT _sdc_overflow->>'marker' FROM wide.data WHERE _sdc_overflow->>'marker' IS NOT NULL", [["neighbour"]]);
        await AssertRowsAsync("SELECT e0_field_0 FROM wide.data WHERE type = 't0'", [[0L]]);
        await AssertRowsAsync("SELECT count(*) FROM wide._sluice_columns WHERE column_name = '_sdc_overflow' AND json_path = 'e49_field_39'", [[1L]]);
    }

    [Fact]
    public async Task Load_SeventyCharacterNestedPath_LoadsIntoAShortenedColumnFoundThroughSluiceColumns()
    {
        await LoadAsync("github", """{"check_run":{"check_suite":{"app":{"permissions":{"organization_administration":"read","checks":"write"}}}}}""");

        var column = await ColumnOfAsync("github", "data", "check_run.check_suite.app.permissions.organization_administration");
        Assert.Equal(ColumnNamer.MaxColumnNameBytes, column.Length);
        Assert.StartsWith("check_run__check_suite__app__permissions__organiza_", column, StringComparison.Ordinal);
        await AssertRowsAsync($"SELECT \"{column}\", check_run__check_suite__app__permissions__checks FROM github.data", [["read", "write"]]);
        await AssertRowsAsync("SELECT count(*) FROM github._sdc_rejected", [[0L]]);
    }

    [Fact]
    public async Task Load_PlusOneAndMinusOneKeys_GetDistinctColumnsThatStayTheSameAfterARestart()
    {
        await LoadAsync("reactions", """{"id":1,"reactions":{"url":"https://api.github.com/repos/o/r/issues/1/reactions","total_count":4,"+1":3,"-1":1}}""");
        _destination = await ReopenAsync(Destination);
        await LoadAsync("reactions", """{"id":2,"reactions":{"-1":5,"+1":6,"laugh":0}}""");

        Assert.Equal("reactions__1", await ColumnOfAsync("reactions", "data", "reactions.+1"));
        Assert.Equal("reactions__1_2", await ColumnOfAsync("reactions", "data", "reactions.-1"));
        await AssertRowsAsync("SELECT id, reactions__1, reactions__1_2 FROM reactions.data ORDER BY id", [[1L, 3L, 1L], [2L, 6L, 5L]]);
        await AssertRowsAsync("SELECT count(*) FROM reactions._sdc_rejected", [[0L]]);
    }

    [Fact]
    public async Task Load_RoutedByHeader_OneRootTablePerEventTypeEachWithItsSubtables()
    {
        var layout = new SourceLayout(new TableRoute(TableRouteKind.Header, "X-GitHub-Event"), [], null);

        var plan = await LoadAsync("gh", null, layout,
            ("""{"ref":"refs/heads/main","commits":[{"id":"a1","added":["README.md"]},{"id":"b2","added":[]}]}""", [("X-GitHub-Event", "push")]),
            ("""{"action":"opened","issue":{"number":7,"labels":[{"name":"bug"}]}}""", [("X-GitHub-Event", "issues")]),
            ("""{"zen":"Keep it logically awesome.","hook_id":1}""", [("X-GitHub-Event", "ping")]),
            ("""{"no":"event header"}""", []));

        var tables = (await Destination.GetTablesAsync("gh", default)).Select(t => t.Name).ToList();
        Assert.Equal(["data", "issues", "issues__issue__labels", "ping", "push", "push__commits", "push__commits__added"], tables);
        await AssertRowsAsync("SELECT ref FROM gh.push", [["refs/heads/main"]]);
        await AssertRowsAsync("SELECT id FROM gh.push__commits ORDER BY _sdc_level_0_id", [["a1"], ["b2"]]);
        await AssertRowsAsync("SELECT name FROM gh.issues__issue__labels", [["bug"]]);
        await AssertRowsAsync("SELECT \"no\" FROM gh.data", [["event header"]]);
        await AssertRowsAsync("SELECT DISTINCT root_table FROM gh._sluice_columns WHERE table_name = 'push__commits'", [["push"]]);
        Assert.Equal(["data", "issues", "ping", "push"], plan.Summary.Tables.Select(t => t.RootTable).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Load_CapturedDeliveryHeaderAsPrimaryKey_ARedeliveryReplacesItsRowAcrossLoads()
    {
        var layout = new SourceLayout(null, ["X-GitHub-Delivery", "X-GitHub-Event"], null);
        const string key = "_sdc_header_x_github_delivery";
        await LoadAsync("deliveries", key, layout,
            ("""{"action":"opened","number":1,"labels":[{"name":"bug"}]}""", [("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), ("X-GitHub-Event", "pull_request")]),
            ("""{"action":"closed","number":2}""", [("X-GitHub-Delivery", "98f0a1b2-cc78-11e3-81ab-4c9367dc0958"), ("X-GitHub-Event", "pull_request")]));

        await LoadAsync("deliveries", key, layout,
            ("""{"action":"opened","number":1,"labels":[{"name":"bug"},{"name":"triage"}]}""", [("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), ("X-GitHub-Event", "pull_request")]));

        await AssertRowsAsync(
            $"SELECT {key}, _sdc_header_x_github_event, number FROM deliveries.data ORDER BY number",
            [["72d3162e-cc78-11e3-81ab-4c9367dc0958", "pull_request", 1L], ["98f0a1b2-cc78-11e3-81ab-4c9367dc0958", "pull_request", 2L]]);
        await AssertRowsAsync("SELECT name FROM deliveries.data__labels ORDER BY _sdc_level_0_id", [["bug"], ["triage"]]);
        Assert.Equal([key], (await Destination.GetTablesAsync("deliveries", default)).Single(t => t.Name == "data").PrimaryKey);
    }

    [Fact]
    public async Task Load_CompositeKey_AResentEventReplacesItsRowAndItsSubtableRowsAcrossLoads()
    {
        var layout = new SourceLayout(new TableRoute(TableRouteKind.Table, "events"), [], null);
        const string key = "event:email:timestamp";
        await LoadAsync("sendgrid", key, layout,
            ("""{"event":"processed","email":"a@example.com","timestamp":1513299569,"category":["cat facts","newsletter"]}""", []),
            ("""{"event":"open","email":"a@example.com","timestamp":1513299569,"category":["cat facts"]}""", []));

        await LoadAsync("sendgrid", key, layout,
            ("""{"event":"processed","email":"a@example.com","timestamp":1513299569,"category":["receipts"],"resent":true}""", []));

        await AssertRowsAsync("SELECT event, email, \"timestamp\", resent FROM sendgrid.events ORDER BY event", [["open", "a@example.com", 1513299569L, null], ["processed", "a@example.com", 1513299569L, true]]);
        await AssertRowsAsync(
            "SELECT _sdc_source_key_event, _sdc_source_key_email, _sdc_source_key_timestamp, _sdc_level_0_id, value FROM sendgrid.events__category ORDER BY _sdc_source_key_event, _sdc_level_0_id",
            [["open", "a@example.com", 1513299569L, 0L, "cat facts"], ["processed", "a@example.com", 1513299569L, 0L, "receipts"]]);
        Assert.Equal(["event", "email", "timestamp"], (await Destination.GetTablesAsync("sendgrid", default)).Single(t => t.Name == "events").PrimaryKey);
    }

    [Fact]
    public async Task Load_MaxDepth_KeepsDeeperValuesAsQueryableJson()
    {
        var layout = new SourceLayout(null, [], 1);

        await LoadAsync("depth", null, layout, ("""{"installation":{"id":5,"permissions":{"issues":"write","metadata":"read"}},"events":["push","pull_request"]}""", []));

        await AssertRowsAsync("SELECT installation__id, installation__permissions->>'issues' FROM depth.data", [[5L, "write"]]);
        await AssertRowsAsync("SELECT value FROM depth.data__events ORDER BY _sdc_level_0_id", [["push"], ["pull_request"]]);
        await AssertRowsAsync("SELECT type FROM depth._sluice_columns WHERE column_name = 'installation__permissions'", [["json"]]);
    }
}
