using Sluice.Server.Tests.Api;
using Sluice.Testing;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Loading;

/// <summary>
/// A backlog of several full batches: the loader plans each next batch while the previous one commits, against the tables
/// the previous one leaves (new columns, a type split, subtables, an upsert across batches), and stops at a partial batch
/// that is not due yet.
/// </summary>
public sealed class BacklogTests() : ServerPerClass(FullBatchesOf(5))
{
    [Fact]
    public async Task Load_BacklogOfFullBatchesWithEvolvingSchema_LoadsEachFullBatchOnceAndLeavesThePartialOne()
    {
        var source = await Server.CreateSourceAsync(Server.Api, "Backlog", primaryKey: "id");
        // Record n (1..23) is in batch (n - 1) / 5, which adds its own column b<batch>; v turns from number to text in
        // batch 2 (a split); record 13 re-sends id 2, replacing its row and its items from an earlier batch.
        var records = Enumerable.Range(1, 23).Select(n =>
        {
            var batch = (n - 1) / 5;
            var id = n == 13 ? 2 : n;
            var v = batch < 2 ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"\"s{n}\"";
            return $$"""{"id":{{id}},"b{{batch}}":true,"v":{{v}},"items":[{"x":{{n}}},{"x":{{n + 100}}}]}""";
        });

        await PostAsync(Server.Anonymous, source.WebhookUrl, "[" + string.Join(",", records) + "]");

        AssertRows(["19"], await WaitForAsync(Server.Api, "SELECT count(*) FROM backlog.data", rows => rows[0][0] == "19"));
        await Eventually.AssertAsync(
            async () => (await ApiCall.GetAsync(Server.Api, $"v4/sources/{source.Id}/stats")).Json.GetProperty("rows_to_be_loaded").GetInt64() == 3,
            "the four full batches leave the buffer");
        AssertRows(["38"], Rows(await QueryAsync(Server.Api, "SELECT count(*) FROM backlog.data__items")));
        AssertRows(["2|s13"], Rows(await QueryAsync(Server.Api, "SELECT id, v__st FROM backlog.data WHERE id = 2")));
        AssertRows(["13", "113"], Rows(await QueryAsync(Server.Api, "SELECT x FROM backlog.data__items WHERE _sdc_source_key_id = 2 ORDER BY x")));
        AssertRows(["20"], Rows(await QueryAsync(Server.Api, "SELECT max(id) FROM backlog.data")));
        Assert.Equal(
            ["id", "b0", "v__bi", "b1", "b2", "v__st", "b3"],
            Columns(await QueryAsync(Server.Api, "SELECT * EXCLUDE (_sdc_received_at, _sdc_batched_at, _sdc_sequence, _sdc_table_version) FROM backlog.data")));
    }
}

/// <summary>
/// A backlog of batches of one shape: a load takes consecutive full parts in one transaction up to
/// <c>Loading:MaxRecordsPerLoad</c> (one <c>_sdc_batched_at</c> and one load summary for all of them), and leaves a small
/// remainder that is not a full part to a load of its own, when it is due.
/// </summary>
public sealed class BacklogPartsTests() : ServerPerClass(FullBatchesOf(5, ("Loading:MaxRecordsPerLoad", "20")))
{
    [Fact]
    public async Task Load_BacklogOfSameShape_JoinsPartsUpToMaxRecordsPerLoadWithOneBatchedAtEach()
    {
        var source = await Server.CreateSourceAsync(Server.Api, "Parts");
        var records = Enumerable.Range(1, 32).Select(n => $$"""{"n":{{n}},"items":[{"x":{{n}}}]}""");

        await PostAsync(Server.Anonymous, source.WebhookUrl, "[" + string.Join(",", records) + "]");

        await WaitForAsync(Server.Api, "SELECT count(*) FROM parts.data", rows => rows[0][0] == "30");
        await Eventually.AssertAsync(
            async () => (await ApiCall.GetAsync(Server.Api, $"v4/sources/{source.Id}/stats")).Json.GetProperty("rows_to_be_loaded").GetInt64() == 2,
            "the two loads leave the buffer");

        // Parts 1-4 (records 1-20) are one load, parts 5-6 the next; the last 2 records wait for the interval.
        AssertRows(
            ["1|20|20", "21|30|10"],
            Rows(await QueryAsync(Server.Api, "SELECT min(n), max(n), count(*) FROM parts.data GROUP BY _sdc_batched_at ORDER BY 1")));
        AssertRows(["30"], Rows(await QueryAsync(Server.Api, "SELECT count(*) FROM parts.data__items i JOIN parts.data d ON i._sdc_source_key___sdc_primary_key = d.__sdc_primary_key AND i._sdc_batched_at = d._sdc_batched_at")));
        AssertRows(
            ["1|20", "2|10"],
            Rows(await QueryAsync(Server.Api, "SELECT row_number() OVER (ORDER BY batched_at), CAST(json_extract(tables, '$[0].rows_loaded') AS BIGINT) FROM _sluice._sluice_loads ORDER BY batched_at")));
    }
}

/// <summary>
/// Parts smaller than <c>Loading:MaxRecords</c>: a due load still takes everything pending up to MaxRecords, part by part,
/// in one transaction (one batched-at, one load summary), as one read of MaxRecords would have.
/// </summary>
public sealed class SmallPartsTests() : ServerPerClass(new Dictionary<string, string?>(FastLoadingServer.Settings)
{
    ["Loading:MaxRecords"] = "100",
    ["Loading:PartRecords"] = "3",
})
{
    [Fact]
    public async Task Load_FewerRecordsThanMaxRecords_OneLoadOfSeveralPartsWithNestedRowsKeptTogether()
    {
        var source = await Server.CreateSourceAsync(Server.Api, "Small Parts", primaryKey: "id");
        // Record 7 re-sends id 2 with new items: parts 1 and 3 of the same load hold the two versions.
        var records = Enumerable.Range(1, 8).Select(n => $$"""{"id":{{(n == 7 ? 2 : n)}},"v":{{n}},"items":[{"x":{{n}}},{"x":{{n + 100}}}]}""");

        await PostAsync(Server.Anonymous, source.WebhookUrl, "[" + string.Join(",", records) + "]");

        AssertRows(["7"], await WaitForAsync(Server.Api, "SELECT count(*) FROM small_parts.data", rows => rows[0][0] == "7"));
        AssertRows(["1|7"], Rows(await QueryAsync(Server.Api, "SELECT count(DISTINCT _sdc_batched_at), count(*) FROM small_parts.data")));
        AssertRows(["2|7"], Rows(await QueryAsync(Server.Api, "SELECT id, v FROM small_parts.data WHERE id = 2")));
        AssertRows(["7", "107"], Rows(await QueryAsync(Server.Api, "SELECT x FROM small_parts.data__items WHERE _sdc_source_key_id = 2 ORDER BY x")));
        AssertRows(["14"], Rows(await QueryAsync(Server.Api, "SELECT count(*) FROM small_parts.data__items")));
        // One load: its summary counts each part's root rows (id 2 was upserted twice).
        AssertRows(["8"], Rows(await QueryAsync(Server.Api, "SELECT CAST(json_extract(tables, '$[0].rows_loaded') AS BIGINT) FROM _sluice._sluice_loads")));
    }
}
