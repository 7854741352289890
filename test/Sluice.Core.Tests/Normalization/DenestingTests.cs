using Sluice.Core.Normalization;
using Sluice.Core.Tables;
using static Sluice.Core.Tests.Normalization.Planning;

namespace Sluice.Core.Tests.Normalization;

public class DenestingTests
{
    private const string Order = """
        {"order_id":1234,"total":30.5,"line_items":[
          {"sku":"A","qty":1,"tax_lines":[{"title":"VAT","rate":0.2}]},
          {"sku":"B","qty":2,"tax_lines":[{"title":"VAT","rate":0.2}]}
        ]}
        """;

    [Fact]
    public void Plan_OrderWithLineItemsAndTaxLines_DenestsToThreeLevelsWithLevelIds()
    {
        var plan = Plan("order_id", Order);

        Assert.Equal(["data", "data__line_items", "data__line_items__tax_lines"], plan.Writes.Select(w => w.Table));
        var items = plan.RowsOf("data__line_items");
        Assert.Equal([(1234L, 0L, "A"), (1234L, 1L, "B")], items.Select(r => ((long)r["_sdc_source_key_order_id"]!, (long)r["_sdc_level_0_id"]!, (string)r["sku"]!)));
        var taxes = plan.RowsOf("data__line_items__tax_lines");
        Assert.Equal(
            [(1234L, 0L, 0L), (1234L, 1L, 0L)],
            taxes.Select(r => ((long)r["_sdc_source_key_order_id"]!, (long)r["_sdc_level_0_id"]!, (long)r["_sdc_level_1_id"]!)));
        Assert.All(taxes, r => Assert.Equal("VAT", r["title"]));
        Assert.DoesNotContain("line_items", plan.TableAfter("data").ColumnNames());
    }

    [Fact]
    public void Plan_OnePlannerForSeveralBatches_GivesEachBatchTheRowsAFreshPlannerWouldAndLeavesEarlierPlansIntact()
    {
        // The planner reuses its row drafts from one batch to the next: a later batch must neither see an earlier batch's
        // fields or level ids nor change the rows of a plan already made.
        const string Other = """{"order_id":7,"note":"x","line_items":[{"sku":"C","tax_lines":[{"rate":0.1},{"rate":0.3}]},{"qty":9}]}""";
        var planner = new LoadPlanner();
        LoadPlan PlanWith(LoadPlanner p, string json) =>
            p.Plan(new LoadContext(SourceId, Schema, "order_id", new GuidSequence().Next), Records(json), [], BatchedAt);
        string Dump(LoadPlan plan) => string.Join("\n", plan.Writes.SelectMany(w => w.Rows.Select(r =>
            w.Table + ": " + string.Join(", ", w.Columns.Select((c, i) => c.Name + "=" + Convert.ToString(r[i], System.Globalization.CultureInfo.InvariantCulture))))));

        var first = PlanWith(planner, Order);
        var firstRows = Dump(first);
        var second = PlanWith(planner, Other);
        var third = PlanWith(planner, Order);

        Assert.Equal(Dump(PlanWith(new LoadPlanner(), Other)), Dump(second));
        Assert.Equal(firstRows, Dump(third));
        Assert.Equal(firstRows, Dump(first));
        Assert.Equal([(7L, 0L, 0L, 0.1), (7L, 0L, 1L, 0.3)], second.RowsOf("data__line_items__tax_lines")
            .Select(r => ((long)r["_sdc_source_key_order_id"]!, (long)r["_sdc_level_0_id"]!, (long)r["_sdc_level_1_id"]!, (double)r["rate"]!)));
        Assert.Equal([null, 9L], second.RowsOf("data__line_items").Select(r => r["qty"]));
    }

    [Fact]
    public void Plan_OrderWithKey_CreatesSubtablesWithSourceKeyOfTheRootKeyTypeAndCompositePrimaryKeys()
    {
        var plan = Plan("order_id", Order);

        var root = plan.TableAfter("data");
        Assert.Equal(["order_id"], root.PrimaryKey);
        var taxes = plan.TableAfter("data__line_items__tax_lines");
        Assert.Equal(
            ["_sdc_received_at", "_sdc_batched_at", "_sdc_sequence", "_sdc_table_version", "_sdc_source_key_order_id", "_sdc_level_0_id", "_sdc_level_1_id", "title", "rate"],
            taxes.ColumnNames());
        Assert.Equal(ColumnType.BigInt, taxes.Find("_sdc_source_key_order_id")!.Type);
        Assert.Equal(["_sdc_source_key_order_id", "_sdc_level_0_id", "_sdc_level_1_id"], taxes.PrimaryKey);
        Assert.Equal(["_sdc_source_key_order_id", "_sdc_level_0_id"], plan.TableAfter("data__line_items").PrimaryKey);
    }

    [Fact]
    public void Plan_OrderWithKey_WritesSubtablesAsUpsertsLinkedToTheRootKey()
    {
        var plan = Plan("order_id", Order);

        var root = plan.FindWrite("data")!;
        Assert.True(root.IsRoot);
        Assert.Equal(WriteMode.Upsert, root.Mode);
        Assert.Equal(["order_id"], root.KeyColumns);
        Assert.Empty(root.ParentKeyColumns);
        var taxes = plan.FindWrite("data__line_items__tax_lines")!;
        Assert.False(taxes.IsRoot);
        Assert.Equal("data", taxes.RootTable);
        Assert.Equal("tax_lines", taxes.SourceTableName);
        Assert.Equal("line_items", plan.FindWrite("data__line_items")!.SourceTableName);
        Assert.Equal(WriteMode.Upsert, taxes.Mode);
        Assert.Equal(["_sdc_source_key_order_id", "_sdc_level_0_id", "_sdc_level_1_id"], taxes.KeyColumns);
        Assert.Equal([KeyValuePair.Create("_sdc_source_key_order_id", "order_id")], taxes.ParentKeyColumns);
    }

    [Fact]
    public void Plan_SubtableRows_CarryTheirRootRecordsSystemValues()
    {
        var plan = Plan("order_id", """{"order_id":1,"items":[{"a":1}]}""", """{"order_id":2,"items":[{"a":2}]}""");

        var items = plan.RowsOf("data__items");
        Assert.Equal([FirstSequence, FirstSequence + 1], items.Select(r => (long)r["_sdc_sequence"]!));
        Assert.Equal(FirstReceivedAt.AddSeconds(1).UtcDateTime, items[1]["_sdc_received_at"]);
        Assert.All(items, r => Assert.Equal(BatchedAt, r["_sdc_batched_at"]));
        Assert.All(items, r => Assert.Equal(0L, r["_sdc_table_version"]));
    }

    [Fact]
    public void Plan_FourLevelsOfArrays_AddsOneLevelIdPerLevel()
    {
        var plan = Plan(null, """{"a":[{"b":[{"c":[{"x":1},{"x":2}]}]}]}""");

        var rows = plan.RowsOf("data__a__b__c");
        Assert.Equal(
            [(0L, 0L, 0L, 1L), (0L, 0L, 1L, 2L)],
            rows.Select(r => ((long)r["_sdc_level_0_id"]!, (long)r["_sdc_level_1_id"]!, (long)r["_sdc_level_2_id"]!, (long)r["x"]!)));
        Assert.Equal(
            ["_sdc_source_key___sdc_primary_key", "_sdc_level_0_id", "_sdc_level_1_id", "_sdc_level_2_id", "x"],
            plan.TableAfter("data__a__b__c").ColumnNames().Skip(4));
    }

    [Fact]
    public void Plan_SendGridCategoryArray_BecomesSubtableWithValueColumn()
    {
        var plan = Plan(null, """{"event":"open","email":"a@example.com","category":["cat facts","dogs"]}""");

        var table = plan.TableAfter("data__category");
        Assert.Equal(["_sdc_source_key___sdc_primary_key", "_sdc_level_0_id", "value"], table.ColumnNames().Skip(4));
        Assert.Equal(ColumnType.Text, table.Find("value")!.Type);
        var rows = plan.RowsOf("data__category");
        Assert.Equal(["cat facts", "dogs"], rows.Select(r => r["value"]));
        Assert.Equal([0L, 1L], rows.Select(r => r["_sdc_level_0_id"]));
        Assert.DoesNotContain("category", plan.TableAfter("data").ColumnNames());
    }

    [Fact]
    public void Plan_AppendOnlySubtable_LinksThroughTheGeneratedKeyWithoutConstraint()
    {
        var plan = Plan(null, """{"tags":["x"]}""");

        var root = Assert.Single(plan.RowsOf("data"));
        var tag = Assert.Single(plan.RowsOf("data__tags"));
        Assert.Equal(root["__sdc_primary_key"], tag["_sdc_source_key___sdc_primary_key"]);
        Assert.Equal(ColumnType.Text, plan.TableAfter("data__tags").Find("_sdc_source_key___sdc_primary_key")!.Type);
        Assert.Empty(plan.TableAfter("data__tags").PrimaryKey);
        var write = plan.FindWrite("data__tags")!;
        Assert.Equal(WriteMode.Append, write.Mode);
        Assert.Empty(write.KeyColumns);
        Assert.Equal([KeyValuePair.Create("_sdc_source_key___sdc_primary_key", "__sdc_primary_key")], write.ParentKeyColumns);
    }

    [Fact]
    public void Plan_ArrayInsideAnObject_IsNamedAfterTheFlattenedPath()
    {
        var plan = Plan(null, """{"a":{"b":[{"c":1}]},"items":[{"dims":{"w":2,"tags":["t"]}}]}""");

        Assert.Equal(1L, Assert.Single(plan.RowsOf("data__a__b"))["c"]);
        Assert.Equal(2L, Assert.Single(plan.RowsOf("data__items"))["dims__w"]);
        Assert.Equal("t", Assert.Single(plan.RowsOf("data__items__dims__tags"))["value"]);
        Assert.Equal("a__b", plan.FindWrite("data__a__b")!.SourceTableName);
    }

    [Fact]
    public void Plan_ArrayOfArrays_BecomesASubtableOfValueArrays()
    {
        var plan = Plan(null, """{"m":[[1,2],[3]]}""");

        Assert.Equal([0L, 1L], plan.RowsOf("data__m").Select(r => r["_sdc_level_0_id"]));
        Assert.DoesNotContain("value", plan.TableAfter("data__m").ColumnNames());
        Assert.Equal(
            [(0L, 0L, 1L), (0L, 1L, 2L), (1L, 0L, 3L)],
            plan.RowsOf("data__m__value").Select(r => ((long)r["_sdc_level_0_id"]!, (long)r["_sdc_level_1_id"]!, (long)r["value"]!)));
    }

    [Fact]
    public void Plan_NullArrayElement_KeepsItsIndexSoLevelIdsMatchPositions()
    {
        var plan = Plan(null, """{"tags":["a",null,"c"]}""");

        var rows = plan.RowsOf("data__tags");
        Assert.Equal([0L, 1L, 2L], rows.Select(r => r["_sdc_level_0_id"]));
        Assert.Equal(["a", null, "c"], rows.Select(r => r["value"]));
    }

    [Fact]
    public void Plan_ScalarArrayOfMixedTypes_SplitsTheValueColumn()
    {
        var plan = Plan(null, """{"v":[1,"one"]}""");

        Assert.Equal(["value__bi", "value__st"], plan.TableAfter("data__v").ColumnNames().Skip(6));
        var rows = plan.RowsOf("data__v");
        Assert.Equal(1L, rows[0]["value__bi"]);
        Assert.Null(rows[0]["value__st"]);
        Assert.Equal("one", rows[1]["value__st"]);
    }

    [Fact]
    public void Plan_SubtableRows_CountAsRowsLoadedPerTable()
    {
        var plan = Plan("order_id", Order);

        Assert.Equal([("data", 1L), ("data__line_items", 2L), ("data__line_items__tax_lines", 2L)], plan.Tables.Select(t => (t.Table, t.RowsLoaded)));
        Assert.All(plan.Tables, t => Assert.Equal("data", t.RootTable));
        Assert.Equal("tax_lines", plan.FindStats("data__line_items__tax_lines")!.SourceTableName);
    }

    [Fact]
    public void Plan_SameTableNameAtTwoDepths_GivesTheLaterArrayATableOfItsOwn()
    {
        var plan = Plan(null, """{"a":[{"b":[1]}]}""", """{"a__b":[2]}""");

        Assert.Empty(plan.Rejections);
        Assert.Equal([1L], plan.RowsOf("data__a__b").Select(r => r["value"]));
        Assert.Equal([2L], plan.RowsOf("data__a__b_2").Select(r => r["value"]));
        Assert.Equal(2, plan.TableAfter("data__a__b").Columns.Count(c => c.Name.StartsWith("_sdc_level_", StringComparison.Ordinal)));
        Assert.Equal(1, plan.TableAfter("data__a__b_2").Columns.Count(c => c.Name.StartsWith("_sdc_level_", StringComparison.Ordinal)));
        Assert.Equal("a[].b", plan.Mappings.First(m => m.Table == "data__a__b").TablePath);
        Assert.Equal("a__b", plan.Mappings.First(m => m.Table == "data__a__b_2").TablePath);
    }
}
