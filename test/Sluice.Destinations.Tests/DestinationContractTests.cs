using Sluice.Core.Loading;
using Sluice.Core.Tables;
using static Sluice.Destinations.Tests.LoadBuilder;

namespace Sluice.Destinations.Tests;

/// <summary>
/// The contract every destination honours, run unchanged against DuckDB and a real PostgreSQL server. Rows are checked
/// through the destination's own read-only query path, as a user would see them.
/// </summary>
public abstract partial class DestinationContractTests : IAsyncLifetime
{
    private static readonly ColumnSpec Id = new("id", ColumnType.BigInt);
    private static readonly ColumnSpec Name = new("name", ColumnType.Text);
    private static readonly ColumnSpec[] Items = [new("_sdc_source_key_id", ColumnType.BigInt), new("_sdc_level_0_id", ColumnType.BigInt), .. SystemColumns, new("sku", ColumnType.Text)];
    private static readonly KeyValuePair<string, string>[] ItemsParent = [new("_sdc_source_key_id", "id")];
    private static readonly string[] ItemsKey = ["_sdc_source_key_id", "_sdc_level_0_id"];

    private IDestination? _destination;

    protected IDestination Destination => _destination ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Opens the destination under test on fresh, empty storage (a new file or database per test).</summary>
    protected abstract Task<IDestination> OpenFreshAsync();

    /// <summary>Disposes <paramref name="current"/> and opens the same storage again, as after a process restart.</summary>
    protected abstract Task<IDestination> ReopenAsync(IDestination current);

    public async Task InitializeAsync() => _destination = await OpenFreshAsync();

    public virtual async Task DisposeAsync()
    {
        if (_destination is not null)
        {
            await _destination.DisposeAsync();
        }
    }

    [Fact]
    public async Task CommitLoad_NewTable_CreatesSchemaTableWithKeyAndRejectedTable()
    {
        await CommitAsync(new LoadBuilder("shop")
            .Create("data", WithSystem(Id, Name), "id")
            .Upsert("data", ["id"], WithSystem(Id, Name), Row(1, 1L, "ann")));

        var table = Assert.Single(await Destination.GetTablesAsync("shop", default));
        Assert.Equal("data", table.Name);
        Assert.Equal(["_sdc_received_at", "_sdc_batched_at", "_sdc_sequence", "_sdc_table_version", "id", "name"], table.Columns.Select(c => c.Name));
        Assert.Equal([ColumnType.Timestamp, ColumnType.Timestamp, ColumnType.BigInt, ColumnType.BigInt, ColumnType.BigInt, ColumnType.Text], table.Columns.Select(c => c.Type));
        Assert.Equal(["id"], table.PrimaryKey);
        await AssertRowsAsync("SELECT count(*) FROM shop._sdc_rejected", [[0L]]);
        await AssertRowsAsync("SELECT id, name, _sdc_received_at, _sdc_sequence, _sdc_table_version FROM shop.data", [[1L, "ann", T0.AddSeconds(1), 1L, 0L]]);
    }

    [Fact]
    public async Task CommitLoad_AddColumn_AddsAtEndAndExistingRowsAreNull()
    {
        await CommitAsync(new LoadBuilder("shop").Create("data", WithSystem(Id)).Append("data", WithSystem(Id), Row(1, 1L)));
        await CommitAsync(new LoadBuilder("shop").Add("data", "color", ColumnType.Text)
            .Append("data", WithSystem(Id, new ColumnSpec("color", ColumnType.Text)), Row(2, 2L, "red")));

        var table = Assert.Single(await Destination.GetTablesAsync("shop", default));
        Assert.Equal("color", table.Columns[^1].Name);
        await AssertRowsAsync("SELECT id, color FROM shop.data ORDER BY id", [[1L, null], [2L, "red"]]);
    }

    [Fact]
    public async Task CommitLoad_SplitOnKeyedTable_RenamesThenAddsAndValuesLandInTheirColumns()
    {
        var age = new ColumnSpec("age", ColumnType.BigInt);
        await CommitAsync(new LoadBuilder("people").Create("data", WithSystem(Id, age), "id").Upsert("data", ["id"], WithSystem(Id, age), Row(1, 1L, 30L)));
        var ageBi = new ColumnSpec("age__bi", ColumnType.BigInt);
        var ageSt = new ColumnSpec("age__st", ColumnType.Text);
        await CommitAsync(new LoadBuilder("people").Rename("data", "age", "age__bi").Add("data", "age__st", ColumnType.Text)
            .Upsert("data", ["id"], WithSystem(Id, ageBi, ageSt), Row(2, 2L, null, "thirty"), Row(3, 3L, 31L, null)));

        var table = Assert.Single(await Destination.GetTablesAsync("people", default));
        Assert.Equal(["id", "age__bi", "age__st"], table.Columns.Skip(4).Select(c => c.Name));
        await AssertRowsAsync("SELECT id, age__bi, age__st FROM people.data ORDER BY id", [[1L, 30L, null], [2L, null, "thirty"], [3L, 31L, null]]);
    }

    [Fact]
    public async Task CommitLoad_AppendWithRepeatedKeys_KeepsEverySeparateRow()
    {
        await CommitAsync(new LoadBuilder("events").Create("data", WithSystem(Id, Name)).Append("data", WithSystem(Id, Name), Row(1, 7L, "a"), Row(2, 7L, "b")));
        await CommitAsync(new LoadBuilder("events").Append("data", WithSystem(Id, Name), Row(3, 7L, "c")));

        await AssertRowsAsync("SELECT name FROM events.data ORDER BY _sdc_sequence", [["a"], ["b"], ["c"]]);
    }

    [Fact]
    public async Task CommitLoad_UpsertNewerSequence_ReplacesRowAndClearsUnlistedColumns()
    {
        var note = new ColumnSpec("note", ColumnType.Text);
        await CommitAsync(new LoadBuilder("shop").Create("data", WithSystem(Id, Name, note), "id")
            .Upsert("data", ["id"], WithSystem(Id, Name, note), Row(10, 1L, "old", "kept?"), Row(11, 2L, "other", null)));
        await CommitAsync(new LoadBuilder("shop").Upsert("data", ["id"], WithSystem(Id, Name), Row(20, 1L, "new")));

        await AssertRowsAsync("SELECT id, name, note, _sdc_sequence FROM shop.data ORDER BY id", [[1L, "new", null, 20L], [2L, "other", null, 11L]]);
    }

    [Fact]
    public async Task CommitLoad_UpsertOlderOrEqualSequence_NeverOverwritesNewer()
    {
        await CommitAsync(new LoadBuilder("shop").Create("data", WithSystem(Id, Name), "id").Upsert("data", ["id"], WithSystem(Id, Name), Row(20, 1L, "newest"), Row(20, 2L, "same")));
        await CommitAsync(new LoadBuilder("shop").Upsert("data", ["id"], WithSystem(Id, Name), Row(10, 1L, "older"), Row(20, 2L, "equal"), Row(21, 3L, "fresh")));

        await AssertRowsAsync("SELECT id, name FROM shop.data ORDER BY id", [[1L, "newest"], [2L, "same"], [3L, "fresh"]]);
    }

    [Fact]
    public async Task CommitLoad_UpsertReplacesRoot_ReplacesSubtableRowsEvenWithoutNewElements()
    {
        await CommitAsync(new LoadBuilder("orders")
            .Create("data", WithSystem(Id), "id").Create("data__items", Items, ItemsKey)
            .Upsert("data", ["id"], WithSystem(Id), Row(1, 1L), Row(1, 2L))
            .UpsertSubtable("data__items", "data", ItemsKey, ItemsParent, Items,
                [1L, 0L, .. Row(1, "a")], [1L, 1L, .. Row(1, "b")], [2L, 0L, .. Row(1, "z")]));

        // Order 1 comes back with one item; order 2 comes back with none, and no subtable write at all is in this load.
        await CommitAsync(new LoadBuilder("orders")
            .Upsert("data", ["id"], WithSystem(Id), Row(5, 1L), Row(6, 2L))
            .UpsertSubtable("data__items", "data", ItemsKey, ItemsParent, Items, [1L, 0L, .. Row(5, "c")]));

        await AssertRowsAsync("SELECT _sdc_source_key_id, _sdc_level_0_id, sku, _sdc_sequence FROM orders.data__items ORDER BY 1, 2", [[1L, 0L, "c", 5L]]);
        await CommitAsync(new LoadBuilder("orders").Upsert("data", ["id"], WithSystem(Id), Row(7, 1L)));
        await AssertRowsAsync("SELECT count(*) FROM orders.data__items", [[0L]]);
    }

    [Fact]
    public async Task CommitLoad_UpsertLosingOlderRecord_DoesNotInsertItsSubtableRows()
    {
        await CommitAsync(new LoadBuilder("orders")
            .Create("data", WithSystem(Id, Name), "id").Create("data__items", Items, ItemsKey)
            .Upsert("data", ["id"], WithSystem(Id, Name), Row(50, 1L, "current"))
            .UpsertSubtable("data__items", "data", ItemsKey, ItemsParent, Items, [1L, 0L, .. Row(50, "keep")]));
        await CommitAsync(new LoadBuilder("orders")
            .Upsert("data", ["id"], WithSystem(Id, Name), Row(40, 1L, "stale"), Row(41, 2L, "new"))
            .UpsertSubtable("data__items", "data", ItemsKey, ItemsParent, Items,
                [1L, 0L, .. Row(40, "stale-0")], [1L, 1L, .. Row(40, "stale-1")], [2L, 0L, .. Row(41, "n")]));

        await AssertRowsAsync("SELECT id, name FROM orders.data ORDER BY id", [[1L, "current"], [2L, "new"]]);
        await AssertRowsAsync("SELECT _sdc_source_key_id, _sdc_level_0_id, sku FROM orders.data__items ORDER BY 1, 2", [[1L, 0L, "keep"], [2L, 0L, "n"]]);
    }

    [Fact]
    public async Task CommitLoad_Rejections_LandInSdcRejectedWithTheRestOfTheBatch()
    {
        await CommitAsync(new LoadBuilder("hooks")
            .Create("data", WithSystem(Id))
            .Append("data", WithSystem(Id), Row(1, 1L))
            .Reject("data", "Field collision on id", "{\"id\":1,\"ID\":\"Paul\"}")
            .Reject("data", "column names from client should not include reserved datatype suffix on [a__bi]", "{\"a__bi\":1}"));

        await AssertRowsAsync("SELECT count(*) FROM hooks.data", [[1L]]);
        await AssertRowsAsync("SELECT _sdc_rejected_at, table_name, reason, record FROM hooks._sdc_rejected ORDER BY reason", [[T0.AddMinutes(1), "data", "Field collision on id", "{\"id\":1,\"ID\":\"Paul\"}"], [T0.AddMinutes(1), "data", "column names from client should not include reserved datatype suffix on [a__bi]", "{\"a__bi\":1}"]]);
        Assert.DoesNotContain(await Destination.GetTablesAsync("hooks", default), t => t.Name == "_sdc_rejected");
    }

    [Fact]
    public async Task CommitLoad_Success_CommitsCheckpointAndLoadSummary()
    {
        var load = new LoadBuilder("shop", sourceId: 42).Create("data", WithSystem(Id)).Append("data", WithSystem(Id), Row(5, 1L), Row(9, 2L)).Build(checkpoint: 12);
        await Destination.CommitLoadAsync(load, default);

        Assert.Equal(12, await Destination.GetCheckpointAsync(42, default));
        Assert.Equal(0, await Destination.GetCheckpointAsync(43, default));
        var summary = Assert.Single(await Destination.GetLoadsAsync(42, T0, 10, default));
        Assert.Equal(load.Summary with { Tables = [] }, summary with { Tables = [] });
        Assert.Equal(load.Summary.Tables, summary.Tables);
    }

    [Fact]
    public async Task CommitLoadParts_UpsertsAcrossParts_OneLoadWithNewestRowsSubtablesAndCombinedSummary()
    {
        var first = new LoadBuilder("orders", sourceId: 7)
            .Create("data", WithSystem(Id, Name), "id").Create("data__items", Items, ItemsKey)
            .Upsert("data", ["id"], WithSystem(Id, Name), Row(1, 1L, "first"), Row(2, 2L, "kept"))
            .UpsertSubtable("data__items", "data", ItemsKey, ItemsParent, Items, [1L, 0L, .. Row(1, "a")], [1L, 1L, .. Row(1, "b")], [2L, 0L, .. Row(2, "k")])
            .Build();

        // The second part replaces order 1, written by the first part in the same transaction, and rejects a record.
        var second = new LoadBuilder("orders", sourceId: 7)
            .Upsert("data", ["id"], WithSystem(Id, Name), Row(3, 1L, "second"), Row(4, 3L, "new"))
            .UpsertSubtable("data__items", "data", ItemsKey, ItemsParent, Items, [1L, 0L, .. Row(3, "c")])
            .Reject("data", "Field collision on id", "{\"id\":5,\"ID\":5}")
            .Build(checkpoint: 5);

        var summary = await Destination.CommitLoadAsync(Parts(first, second), default);

        await AssertRowsAsync("SELECT id, name, _sdc_sequence FROM orders.data ORDER BY id", [[1L, "second", 3L], [2L, "kept", 2L], [3L, "new", 4L]]);
        await AssertRowsAsync("SELECT _sdc_source_key_id, _sdc_level_0_id, sku FROM orders.data__items ORDER BY 1, 2", [[1L, 0L, "c"], [2L, 0L, "k"]]);
        await AssertRowsAsync("SELECT table_name, reason FROM orders._sdc_rejected", [["data", "Field collision on id"]]);
        Assert.Equal(5, await Destination.GetCheckpointAsync(7, default));
        var stored = Assert.Single(await Destination.GetLoadsAsync(7, DateTime.MinValue, 10, default));
        Assert.Equal(first.Summary.LoadId, stored.LoadId);
        Assert.Equal((1L, 4L, 4L, 1L), (stored.MinSequence, stored.MaxSequence, stored.Tables[0].RowsLoaded, stored.Tables[0].RowsRejected));
        Assert.Equal(["data", "data__items"], stored.Tables.Select(t => t.Table));
        Assert.Equal(4L, stored.Tables[1].RowsLoaded);
        Assert.Equal(summary with { Tables = [] }, stored with { Tables = [] });
        Assert.Equal(summary.Tables, stored.Tables);
    }

    [Fact]
    public async Task CommitLoadParts_AppendsWithOtherColumnsAndRejectionsBetween_EveryRowLandsInItsColumns()
    {
        var color = new ColumnSpec("color", ColumnType.Text);
        await CommitAsync(new LoadBuilder("events", sourceId: 4).Create("data", WithSystem(Id, Name, color)).Append("data", WithSystem(Id, Name), Row(1, 1L, "a")));

        // The bulk write into data switches columns between parts, and a rejection comes between two parts of the same columns.
        var load = Parts(
            new LoadBuilder("events", sourceId: 4).Append("data", WithSystem(Id, Name), Row(2, 2L, "b"), Row(3, 3L, "c")).Build(),
            new LoadBuilder("events", sourceId: 4).Append("data", WithSystem(Id, color), Row(4, 4L, "red")).Reject("data", "Field collision on id", "{\"id\":5}").Build(),
            new LoadBuilder("events", sourceId: 4).Append("data", WithSystem(Id, color), Row(6, 6L, "blue")).Build(),
            new LoadBuilder("events", sourceId: 4).Append("data", WithSystem(Id, Name), Row(7, 7L, "g")).Build());
        var summary = await Destination.CommitLoadAsync(load, default);

        await AssertRowsAsync(
            "SELECT id, name, color FROM events.data ORDER BY id",
            [[1L, "a", null], [2L, "b", null], [3L, "c", null], [4L, null, "red"], [6L, null, "blue"], [7L, "g", null]]);
        await AssertRowsAsync("SELECT record FROM events._sdc_rejected", [["{\"id\":5}"]]);
        Assert.Equal(7, await Destination.GetCheckpointAsync(4, default));
        Assert.Equal((5L, 1L), (summary.Tables.Single().RowsLoaded, summary.Tables.Single().RowsRejected));
    }

    [Fact]
    public async Task CommitLoadParts_LaterPartFails_NothingOfAnyPartIsCommitted()
    {
        await CommitAsync(new LoadBuilder("shop", sourceId: 3).Create("data", WithSystem(Id)).Append("data", WithSystem(Id), Row(1, 1L)), checkpoint: 1);
        var good = new LoadBuilder("shop", sourceId: 3).Append("data", WithSystem(Id), Row(2, 2L)).Reject("data", "Field collision on id", "{}").Build();
        var bad = new LoadBuilder("shop", sourceId: 3).Append("data", WithSystem(Id), Row(3, 3L), Row(4, "not a number")).Build();

        await Assert.ThrowsAnyAsync<Exception>(() => Destination.CommitLoadAsync(Parts(good, bad), default));

        await AssertRowsAsync("SELECT id FROM shop.data", [[1L]]);
        await AssertRowsAsync("SELECT count(*) FROM shop._sdc_rejected", [[0L]]);
        Assert.Equal(1, await Destination.GetCheckpointAsync(3, default));
        Assert.Single(await Destination.GetLoadsAsync(3, DateTime.MinValue, 10, default));
    }

    [Fact]
    public async Task CommitLoadParts_LaterPartChangesSchemaOrHasOtherBatchedAt_IsRefusedAndNothingCommitted()
    {
        await CommitAsync(new LoadBuilder("shop", sourceId: 3).Create("data", WithSystem(Id)).Append("data", WithSystem(Id), Row(1, 1L)), checkpoint: 1);
        var first = new LoadBuilder("shop", sourceId: 3).Append("data", WithSystem(Id), Row(2, 2L)).Build();
        var alters = new LoadBuilder("shop", sourceId: 3).Add("data", "color", ColumnType.Text).Append("data", WithSystem(Id), Row(3, 3L)).Build();
        var later = new LoadBuilder("shop", sourceId: 3) { BatchedAt = T0.AddMinutes(9) }.Append("data", WithSystem(Id), Row(3, 3L)).Build();

        var schema = await Assert.ThrowsAnyAsync<Exception>(() => Destination.CommitLoadAsync(Parts(first, alters), default));
        var batched = await Assert.ThrowsAnyAsync<Exception>(() => Destination.CommitLoadAsync(Parts(first, later), default));

        Assert.Contains("changes the schema", schema.Message, StringComparison.Ordinal);
        Assert.Contains("batched at", batched.Message, StringComparison.Ordinal);
        await AssertRowsAsync("SELECT id FROM shop.data", [[1L]]);
        Assert.DoesNotContain((await Destination.GetTablesAsync("shop", default)).Single().Columns, c => c.Name == "color");
        Assert.Equal(1, await Destination.GetCheckpointAsync(3, default));
    }

    [Fact]
    public async Task CommitLoad_FailingWrite_LeavesNoRowsNoCheckpointNoLoad()
    {
        await CommitAsync(new LoadBuilder("shop", sourceId: 3).Create("data", WithSystem(Id)).Append("data", WithSystem(Id), Row(1, 1L)), checkpoint: 1);

        var bad = new LoadBuilder("shop", sourceId: 3)
            .Create("data__new", WithSystem(Id))
            .Add("data", "extra", ColumnType.Text)
            .Append("data", WithSystem(Id), Row(2, 2L))
            .Reject("data", "Field collision on id", "{}")
            .Append("data", WithSystem(new ColumnSpec("missing", ColumnType.Text)), Row(3, "x"))
            .Build(checkpoint: 3);
        await Assert.ThrowsAnyAsync<Exception>(() => Destination.CommitLoadAsync(bad, default));

        Assert.Equal(1, await Destination.GetCheckpointAsync(3, default));
        Assert.Single(await Destination.GetLoadsAsync(3, DateTime.MinValue, 10, default));
        await AssertRowsAsync("SELECT id FROM shop.data", [[1L]]);
        await AssertRowsAsync("SELECT count(*) FROM shop._sdc_rejected", [[0L]]);
        var table = Assert.Single(await Destination.GetTablesAsync("shop", default));
        Assert.DoesNotContain(table.Columns, c => c.Name == "extra");

        // The destination is still usable after the failure.
        await CommitAsync(new LoadBuilder("shop", sourceId: 3).Append("data", WithSystem(Id), Row(4, 4L)), checkpoint: 4);
        Assert.Equal(4, await Destination.GetCheckpointAsync(3, default));
    }

    [Fact]
    public async Task CommitLoad_RowOfWrongType_FailsWithoutPartialRows()
    {
        await CommitAsync(new LoadBuilder("shop").Create("data", WithSystem(Id)).Append("data", WithSystem(Id), Row(1, 1L)));
        var bad = new LoadBuilder("shop").Append("data", WithSystem(Id), Row(2, 2L), Row(3, "not a number")).Build();
        var badUpsert = new LoadBuilder("shop").Upsert("data", ["id"], WithSystem(Id), Row(4, 1L), Row(5, "nope")).Build();

        await Assert.ThrowsAnyAsync<Exception>(() => Destination.CommitLoadAsync(bad, default));
        await Assert.ThrowsAnyAsync<Exception>(() => Destination.CommitLoadAsync(badUpsert, default));
        await Assert.ThrowsAnyAsync<Exception>(() => Destination.CommitLoadAsync(badUpsert, default));

        await AssertRowsAsync("SELECT id, _sdc_sequence FROM shop.data", [[1L, 1L]]);
    }

    [Fact]
    public async Task GetTables_UnknownSchema_IsEmpty()
    {
        Assert.Empty(await Destination.GetTablesAsync("nothing_here", default));
    }

    [Fact]
    public async Task GetLoads_FiltersBySourceAndTime_OldestFirst()
    {
        await CommitAsync(new LoadBuilder("a", sourceId: 1) { BatchedAt = T0.AddMinutes(3) }.Create("data", WithSystem(Id)).Append("data", WithSystem(Id), Row(1, 1L)));
        await CommitAsync(new LoadBuilder("b", sourceId: 2) { BatchedAt = T0.AddMinutes(4) }.Create("data", WithSystem(Id)).Append("data", WithSystem(Id), Row(2, 1L)));
        await CommitAsync(new LoadBuilder("a", sourceId: 1) { BatchedAt = T0.AddMinutes(5) }.Append("data", WithSystem(Id), Row(3, 2L)));

        var all = await Destination.GetLoadsAsync(null, T0, 10, default);
        Assert.Equal([T0.AddMinutes(3), T0.AddMinutes(4), T0.AddMinutes(5)], all.Select(l => l.BatchedAt));
        Assert.All(all, l => Assert.Equal(DateTimeKind.Utc, l.BatchedAt.Kind));
        Assert.Equal([3L], (await Destination.GetLoadsAsync(1, T0.AddMinutes(3), 10, default)).Select(l => l.MaxSequence));
        Assert.Equal(["a"], (await Destination.GetLoadsAsync(1, T0.AddMinutes(3), 10, default)).Select(l => l.Schema));
        Assert.Single(await Destination.GetLoadsAsync(null, T0, 1, default));
    }

    [Fact]
    public async Task CommitLoad_NamesWithCaseAndSpaces_KeepThemExactly()
    {
        var customer = new ColumnSpec("Customer Id", ColumnType.BigInt);
        var lower = new ColumnSpec("cUsToMeR name", ColumnType.Text);
        var quoted = new ColumnSpec("say \"hi\"", ColumnType.Boolean);
        await CommitAsync(new LoadBuilder("Shop Events")
            .Create("Data Table", WithSystem(customer, lower, quoted), "Customer Id")
            .Upsert("Data Table", ["Customer Id"], WithSystem(customer, lower, quoted), Row(1, 5L, "five", true)));
        await CommitAsync(new LoadBuilder("Shop Events").Upsert("Data Table", ["Customer Id"], WithSystem(customer, lower, quoted), Row(2, 5L, "FIVE", false)));

        var table = Assert.Single(await Destination.GetTablesAsync("Shop Events", default));
        Assert.Equal("Data Table", table.Name);
        Assert.Equal(["Customer Id", "cUsToMeR name", "say \"hi\""], table.Columns.Skip(4).Select(c => c.Name));
        Assert.Equal(["Customer Id"], table.PrimaryKey);
        await AssertRowsAsync("SELECT \"Customer Id\", \"cUsToMeR name\", \"say \"\"hi\"\"\" FROM \"Shop Events\".\"Data Table\"", [[5L, "FIVE", false]]);
    }

    [Fact]
    public async Task CommitLoad_ValuesOfEveryType_RoundTrip()
    {
        ColumnSpec[] columns = [new("b", ColumnType.BigInt), new("d", ColumnType.Double), new("t", ColumnType.Text), new("o", ColumnType.Boolean), new("at", ColumnType.Timestamp)];
        var at = new DateTime(2024, 2, 29, 23, 59, 58, 123, DateTimeKind.Utc);
        await CommitAsync(new LoadBuilder("types").Create("data", WithSystem(columns))
            .Append("data", WithSystem(columns), Row(1, long.MaxValue, 1.5, "žluťoučký 🐎", true, at), Row(2, null, null, null, null, null)));

        await AssertRowsAsync("SELECT b, d, t, o, \"at\" FROM types.data ORDER BY _sdc_sequence", [[long.MaxValue, 1.5, "žluťoučký 🐎", true, at], [null, null, null, null, null]]);
    }

    [Fact]
    public async Task Reopen_AfterDispose_KeepsTablesRowsCheckpointsAndLoads()
    {
        await CommitAsync(new LoadBuilder("shop", sourceId: 9).Create("data", WithSystem(Id, Name), "id").Upsert("data", ["id"], WithSystem(Id, Name), Row(1, 1L, "ann")), checkpoint: 77);

        _destination = await ReopenAsync(Destination);

        Assert.Equal(77, await Destination.GetCheckpointAsync(9, default));
        Assert.Single(await Destination.GetLoadsAsync(9, DateTime.MinValue, 10, default));
        Assert.Equal(["id"], Assert.Single(await Destination.GetTablesAsync("shop", default)).PrimaryKey);
        await CommitAsync(new LoadBuilder("shop", sourceId: 9).Upsert("data", ["id"], WithSystem(Id, Name), Row(2, 1L, "bob")), checkpoint: 78);
        await AssertRowsAsync("SELECT id, name FROM shop.data", [[1L, "bob"]]);
    }

    [Fact]
    public async Task Query_Select_ReturnsColumnsRowsAndTruncation()
    {
        await CommitAsync(new LoadBuilder("shop").Create("data", WithSystem(Id, Name)).Append("data", WithSystem(Id, Name), Row(1, 1L, "a"), Row(2, 2L, "b"), Row(3, 3L, "c")));

        var result = await Queryable.QueryAsync("SELECT id, name FROM shop.data ORDER BY id", 2, default);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(["id", "name"], result.Columns.Select(c => c.Name));
        Assert.Equal([[1L, "a"], [2L, "b"]], result.Rows);
        Assert.True(result.Truncated);
    }

    [Theory]
    [InlineData("INSERT INTO shop.data (id) VALUES (99)")]
    [InlineData("UPDATE shop.data SET id = 99")]
    [InlineData("DELETE FROM shop.data")]
    [InlineData("CREATE TABLE shop.evil (x bigint)")]
    [InlineData("DROP TABLE shop.data")]
    [InlineData("ALTER TABLE shop.data ADD COLUMN evil bigint")]
    [InlineData("COPY shop.data TO '/tmp/sluice-exfiltrated.csv'")]
    [InlineData("SELECT 1; DROP TABLE shop.data")]
    [InlineData("SELECT 1; SELECT 2")]
    [InlineData("WITH x AS (DELETE FROM shop.data RETURNING id) SELECT * FROM x")]
    [InlineData("")]
    [InlineData("-- just a comment\nDELETE FROM shop.data")]
    [InlineData("/* a /* nested */ comment */ (DELETE FROM shop.data)")]
    public async Task Query_AnythingButOneRead_IsRefusedAndChangesNothing(string sql)
    {
        await CommitAsync(new LoadBuilder("shop").Create("data", WithSystem(Id)).Append("data", WithSystem(Id), Row(1, 1L)));

        var result = await Queryable.QueryAsync(sql, 100, default);

        Assert.False(result.Succeeded);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        Assert.Empty(result.Rows);
        await AssertRowsAsync("SELECT id FROM shop.data", [[1L]]);
        Assert.Equal(["data"], (await Destination.GetTablesAsync("shop", default)).Select(t => t.Name));
        Assert.Single(Assert.Single(await Destination.GetTablesAsync("shop", default)).Columns, c => c.Name == "id");
        Assert.False(File.Exists("/tmp/sluice-exfiltrated.csv"));
    }

    [Fact]
    public async Task Query_WithLeadingCommentsAndParentheses_Runs()
    {
        await CommitAsync(new LoadBuilder("shop").Create("data", WithSystem(Id)).Append("data", WithSystem(Id), Row(1, 1L)));

        await AssertRowsAsync("-- how many?\n/* all */ (SELECT count(*) AS n FROM shop.data)", [[1L]]);
    }

    [Fact]
    public async Task Query_RunningTooLong_IsStoppedWithAClearError()
    {
        await using var destination = await OpenWithQueryTimeoutAsync(TimeSpan.FromMilliseconds(300));

        var result = await ((IQueryableDestination)destination).QueryAsync(SlowQuery, 10, default);

        Assert.Equal("The query ran longer than 0.3 s and was stopped.", result.Error);
    }

    /// <summary>A read-only statement that runs for many seconds on this engine.</summary>
    protected abstract string SlowQuery { get; }

    /// <summary>A second destination on the same storage whose ad-hoc queries time out after <paramref name="timeout"/>.</summary>
    protected abstract Task<IDestination> OpenWithQueryTimeoutAsync(TimeSpan timeout);

    [Fact]
    public async Task Query_UnknownTable_ReturnsTheEngineErrorAsValue()
    {
        var result = await Queryable.QueryAsync("SELECT * FROM nowhere.nothing", 10, default);

        Assert.False(result.Succeeded);
        Assert.Contains("nothing", result.Error, StringComparison.Ordinal);
    }

    protected IQueryableDestination Queryable => (IQueryableDestination)Destination;

    protected async Task CommitAsync(LoadBuilder load, long? checkpoint = null) => await Destination.CommitLoadAsync(load.Build(checkpoint), default);

    /// <summary>The parts of one load, handed out one at a time as a loader would.</summary>
    protected static async IAsyncEnumerable<LoadRequest> Parts(params LoadRequest[] parts)
    {
        foreach (var part in parts)
        {
            await Task.Yield();
            yield return part;
        }
    }

    protected async Task AssertRowsAsync(string sql, object?[][] expected)
    {
        var rows = await RowsAsync(sql);
        Assert.Equal(expected.Length, rows.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], rows[i]);
        }
    }

    protected async Task<IReadOnlyList<object?[]>> RowsAsync(string sql)
    {
        var result = await Queryable.QueryAsync(sql, 10_000, default);
        Assert.True(result.Succeeded, result.Error);
        return result.Rows;
    }
}
