using System.Text.Json;
using Sluice.Core.Normalization;
using Sluice.Core.Sources;
using Sluice.Core.Tables;
using static Sluice.Core.Tests.Normalization.Planning;

namespace Sluice.Core.Tests.Normalization;

/// <summary>Sluice's rules past Stitch's: width overflow, routing to tables per event type, depth limit, captured headers.</summary>
public class LayoutTests
{
    private static string Wide(int fields, string prefix = "f", int start = 0) =>
        string.Join(",", Enumerable.Range(start, fields).Select(i => $"\"{prefix}{i}\":{i}"));

    [Fact]
    public void Plan_TwoThousandFieldRecord_LoadsWithFieldsPastTheLimitInOverflowAndItsNeighbourUntouched()
    {
        var wide = $$"""{"id":1,{{Wide(2000)}}}""";

        var plan = Plan(null, wide, """{"marker":"neighbour"}""");

        Assert.Empty(plan.Rejections);
        var rows = plan.RowsOf("data");
        Assert.Equal(2, rows.Count);
        // The table is full after the wide record, so the neighbour's new field is kept in its own overflow: loaded, not rejected.
        using (var neighbour = JsonDocument.Parse((string)rows[1][ColumnNamer.OverflowColumn]!))
        {
            Assert.Equal("neighbour", neighbour.RootElement.GetProperty("marker").GetString());
        }

        var table = plan.TableAfter("data");
        Assert.Equal(ColumnNamer.OverflowAt + 1, table.Columns.Count);
        Assert.Equal(ColumnType.Json, table.Find(ColumnNamer.OverflowColumn)!.Type);
        using var overflow = JsonDocument.Parse((string)rows[0][ColumnNamer.OverflowColumn]!);
        var inColumns = table.Columns.Count(c => c.Name.StartsWith('f'));
        Assert.Equal(2000 - inColumns, overflow.RootElement.EnumerateObject().Count());
        Assert.Equal(1999, overflow.RootElement.GetProperty("f1999").GetInt64());
        Assert.Contains(plan.Mappings, m => m is { Column: ColumnNamer.OverflowColumn, JsonPath: "f1999" });
    }

    [Fact]
    public void Plan_OverflowedPath_StaysInOverflowInLaterBatchesWhileExistingColumnsKeepLoading()
    {
        var first = Plan(null, $$"""{{{Wide(2000)}}}""");
        var tables = first.TablesAfter([]);

        var second = Plan(null, tables, """{"f0":10,"f1999":20,"new_field":"x"}""");

        Assert.Empty(second.Rejections);
        Assert.Empty(second.SchemaChanges);
        var row = Assert.Single(second.RowsOf("data"));
        Assert.Equal(10L, row["f0"]);
        using var overflow = JsonDocument.Parse((string)row[ColumnNamer.OverflowColumn]!);
        Assert.Equal(20, overflow.RootElement.GetProperty("f1999").GetInt64());
        Assert.Equal("x", overflow.RootElement.GetProperty("new_field").GetString());
    }

    [Fact]
    public void Plan_FullTable_StillSplitsExistingColumnsWithinTheHeadroom()
    {
        var tables = Plan(null, $$"""{{{Wide(1600)}}}""").TablesAfter([]);

        var plan = Plan(null, tables, """{"f3":"now text"}""");

        Assert.Empty(plan.Rejections);
        Assert.Equal("now text", Assert.Single(plan.RowsOf("data"))["f3__st"]);
        Assert.True(plan.TableAfter("data", tables).Columns.Count <= ColumnNamer.MaxColumns);
    }

    [Fact]
    public void Plan_WideSubtable_OverflowsItsOwnRowsOnly()
    {
        var plan = Plan(null, $$"""{"id":1,"wide":[{{{Wide(1700)}}}]}""", """{"id":2,"wide":[{"f1":1}]}""");

        Assert.Empty(plan.Rejections);
        Assert.Equal(2, plan.RowsOf("data").Count);
        var rows = plan.RowsOf("data__wide");
        Assert.NotNull(rows[0][ColumnNamer.OverflowColumn]);
        Assert.Null(rows[1][ColumnNamer.OverflowColumn]);
        Assert.Equal(1L, rows[1]["f1"]);
    }

    [Fact]
    public void Plan_RoutedByHeader_GivesEachEventTypeARootTableWithItsOwnSubtables()
    {
        var layout = new SourceLayout(new TableRoute(TableRouteKind.Header, "X-GitHub-Event"), [], null);
        var records = Requests(
            ("""{"ref":"refs/heads/main","commits":[{"id":"c1"}]}""", [("X-GitHub-Event", "push")]),
            ("""{"action":"opened","issue":{"labels":[{"name":"bug"}]}}""", [("X-GitHub-Event", "issues")]),
            ("""{"zen":"Design for failure."}""", []));

        var plan = Plan(layout, null, [], records);

        Assert.Empty(plan.Rejections);
        Assert.Equal("refs/heads/main", Assert.Single(plan.RowsOf("push"))["ref"]);
        Assert.Equal("c1", Assert.Single(plan.RowsOf("push__commits"))["id"]);
        Assert.Equal("bug", Assert.Single(plan.RowsOf("issues__issue__labels"))["name"]);
        Assert.Equal("Design for failure.", Assert.Single(plan.RowsOf("data"))["zen"]);
        Assert.Equal(["push", "push", "issues", "issues"], plan.Writes.Where(w => w.Table.StartsWith("push", StringComparison.Ordinal) || w.Table.StartsWith("issues", StringComparison.Ordinal)).Select(w => w.RootTable));
        Assert.Equal("push", plan.FindStats("push__commits")!.RootTable);
        Assert.Equal("push", plan.Mappings.First(m => m.Table == "push").TablePath);
    }

    [Theory]
    [InlineData("type", """{"id":"evt_1","type":"charge.succeeded","data":{"object":{"object":"charge"}}}""", "charge_succeeded")]
    [InlineData("data.object.object", """{"id":"evt_1","type":"charge.succeeded","data":{"object":{"object":"charge"}}}""", "charge")]
    [InlineData("event", """{"event":"Orders/Create"}""", "orders_create")]
    [InlineData("type", """{"type":{"nested":true}}""", "data")]
    [InlineData("type", """{"type":"!!!"}""", "data")]
    [InlineData("type", """{"kind":"x"}""", "data")]
    public void Plan_RoutedByField_NamesTheTableFromTheValue(string field, string json, string table)
    {
        var layout = new SourceLayout(new TableRoute(TableRouteKind.Field, field), [], null);

        var plan = Plan(layout, null, [], Records(json));

        Assert.Empty(plan.Rejections);
        Assert.Single(plan.RowsOf(table));
    }

    [Fact]
    public void Plan_RoutedValueOfManyCharacters_IsShortenedSoSubtablesKeepTheRootPrefix()
    {
        var layout = new SourceLayout(new TableRoute(TableRouteKind.Field, "type"), [], null);
        var value = string.Concat(Enumerable.Repeat("very_long_event_name_", 5));

        var plan = Plan(layout, null, [], Records($$"""{"type":"{{value}}","items":[{"a":1}]}"""));

        var root = plan.Writes.Single(w => w.IsRoot).Table;
        Assert.Equal(ColumnNamer.MaxRoutedTableBytes, root.Length);
        Assert.StartsWith(root + "__", plan.Writes.Single(w => !w.IsRoot).Table, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RoutedUpsert_KeepsTheNewestRecordPerTableAndKey()
    {
        var layout = new SourceLayout(new TableRoute(TableRouteKind.Field, "type"), [], null);

        var plan = Plan(layout, "id", [], Records(
            """{"id":1,"type":"a","v":"old"}""",
            """{"id":1,"type":"b","v":"other table"}""",
            """{"id":1,"type":"a","v":"new"}"""));

        Assert.Equal("new", Assert.Single(plan.RowsOf("a"))["v"]);
        Assert.Equal("other table", Assert.Single(plan.RowsOf("b"))["v"]);
        Assert.Equal(["id"], plan.TableAfter("a").PrimaryKey);
    }

    [Fact]
    public void Plan_CapturedHeaders_AreColumnsOfEveryRootRowOfTheRequestOnly()
    {
        var layout = new SourceLayout(null, ["X-GitHub-Delivery", "X-GitHub-Event"], null);
        var records = Requests(
            ("""{"a":1,"items":[{"b":2}]}""", [("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), ("X-GitHub-Event", "push")]),
            ("""{"a":2}""", []));

        var plan = Plan(layout, null, [], records);

        var rows = plan.RowsOf("data");
        Assert.Equal("72d3162e-cc78-11e3-81ab-4c9367dc0958", rows[0]["_sdc_header_x_github_delivery"]);
        Assert.Equal("push", rows[0]["_sdc_header_x_github_event"]);
        Assert.Null(rows[1]["_sdc_header_x_github_delivery"]);
        Assert.DoesNotContain("_sdc_header_x_github_delivery", plan.TableAfter("data__items").ColumnNames());
        Assert.Null(plan.Mappings.Single(m => m.Column == "_sdc_header_x_github_delivery").JsonPath);
    }

    [Fact]
    public void Plan_DeliveryHeaderAsPrimaryKey_ARedeliveryReplacesItsRow()
    {
        var layout = new SourceLayout(null, ["X-GitHub-Delivery"], null);
        var records = Requests(
            ("""{"action":"opened","n":1}""", [("X-GitHub-Delivery", "d-1")]),
            ("""{"action":"closed","n":2}""", [("X-GitHub-Delivery", "d-2")]),
            ("""{"action":"opened","n":1,"redelivered":true}""", [("X-GitHub-Delivery", "d-1")]),
            ("""{"action":"lost"}""", []));

        var plan = Plan(layout, "_sdc_header_x_github_delivery", [], records);

        var rows = plan.RowsOf("data");
        Assert.Equal(["d-2", "d-1"], rows.Select(r => r["_sdc_header_x_github_delivery"]));
        Assert.Equal(true, rows[1]["redelivered"]);
        Assert.Equal(["_sdc_header_x_github_delivery"], plan.TableAfter("data").PrimaryKey);
        var rejected = Assert.Single(plan.Rejections);
        Assert.Contains("x-github-delivery", rejected.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, new[] { "a", "list" })]
    [InlineData(1, new[] { "a__b" })]
    [InlineData(2, new[] { "a__b__c" })]
    public void Plan_MaxDepth_KeepsDeeperObjectsAndArraysAsJson(int maxDepth, string[] jsonColumns)
    {
        var layout = new SourceLayout(null, [], maxDepth);

        var plan = Plan(layout, null, [], Records("""{"a":{"b":{"c":{"d":1}}},"list":[{"x":{"y":1}}],"s":"flat"}"""));

        Assert.Empty(plan.Rejections);
        var table = plan.TableAfter("data");
        foreach (var column in jsonColumns)
        {
            Assert.Equal(ColumnType.Json, table.Find(column)!.Type);
        }

        Assert.Equal("flat", Assert.Single(plan.RowsOf("data"))["s"]);
        if (maxDepth == 0)
        {
            Assert.Equal("""{"b":{"c":{"d":1}}}""", Assert.Single(plan.RowsOf("data"))["a"]);
            Assert.DoesNotContain(plan.Writes, w => w.Table == "data__list");
        }
        else
        {
            var element = Assert.Single(plan.RowsOf("data__list"));
            Assert.Equal(maxDepth == 1 ? """{"y":1}""" : 1L, maxDepth == 1 ? element["x"] : element["x__y"]);
        }
    }

    [Fact]
    public void Plan_NoMaxDepth_FlattensEverythingAsStitchDoes()
    {
        var plan = Plan(SourceLayout.Default, null, [], Records("""{"a":{"b":{"c":{"d":1}}}}"""));

        Assert.Equal(1L, Assert.Single(plan.RowsOf("data"))["a__b__c__d"]);
    }

    [Fact]
    public void Plan_TableVersion_IsWrittenOnEveryRow()
    {
        var plan = Plan(SourceLayout.Default, null, [], Records("""{"a":1,"items":[1]}"""), tableVersion: 3);

        Assert.All(plan.Writes.SelectMany(w => w.Rows.Select(r => r[w.Columns.ToList().FindIndex(c => c.Name == "_sdc_table_version")])), v => Assert.Equal(3L, v));
    }
}
