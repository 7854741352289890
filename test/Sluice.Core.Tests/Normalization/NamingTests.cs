using Sluice.Core.Normalization;
using Sluice.Core.Tables;
using static Sluice.Core.Tests.Normalization.Planning;

namespace Sluice.Core.Tests.Normalization;

public class NamingTests
{
    [Theory]
    [InlineData("CuStOmErId", "CuStOmErId")]
    [InlineData("customer id", "customer id")]
    [InlineData("!customerid", "customerid")]
    [InlineData("customer!id", "customerid")]
    [InlineData("CUSTOMER! ID", "CUSTOMER ID")]
    [InlineData("123customerid", "customerid")]
    [InlineData(" 1 name", "name")]
    [InlineData("_customerid", "_customerid")]
    [InlineData("_987CUSTOMERID", "_987CUSTOMERID")]
    [InlineData("prénom", "prénom")]
    [InlineData("a-b.c", "abc")]
    [InlineData("emoji😀field", "emojifield")]
    [InlineData("123", "")]
    public void Sanitize_FieldName_FollowsPostgreSqlRules(string raw, string expected)
    {
        Assert.Equal(expected, ColumnNamer.Sanitize(raw));
    }

    [Fact]
    public void Plan_SpecialCharactersInNames_AreRemovedFromColumnsAndTables()
    {
        var plan = Plan(null, """{"user-name":"a","2nd":{"Zip Code":"75001"},"line.items":[{"q":1}]}""");

        var row = Assert.Single(plan.RowsOf("data"));
        Assert.Equal("a", row["username"]);
        Assert.Equal("75001", row["nd__Zip Code"]);
        Assert.Equal(1L, Assert.Single(plan.RowsOf("data__lineitems"))["q"]);
    }

    [Theory]
    [InlineData("_sdc_extra")]
    [InlineData("_SDC_extra")]
    [InlineData("_rjm_x")]
    [InlineData("price__st")]
    [InlineData("price__BI")]
    [InlineData("x__bo")]
    [InlineData("x__de")]
    [InlineData("x__do")]
    [InlineData("x__it")]
    [InlineData("x__ti")]
    public void Plan_ReservedPrefixOrSuffix_RejectsTheRecord(string field)
    {
        var plan = Plan(null, $$"""{"ok":1,"{{field}}":2}""", """{"ok":3}""");

        var rejected = Assert.Single(plan.Rejections);
        Assert.Equal($"column names from client should not include reserved datatype suffix on {field}", rejected.Reason);
        Assert.Equal("data", rejected.TableName);
        Assert.Equal([3L], plan.RowsOf("data").Select(r => r["ok"]));
        Assert.Equal(1, plan.FindStats("data")!.RowsRejected);
    }

    [Fact]
    public void Plan_ReservedSuffixInsideASubtable_RejectsTheWholeRecordNamingTheSubtable()
    {
        var plan = Plan(null, """{"items":[{"qty__it":1}]}""");

        var rejected = Assert.Single(plan.Rejections);
        Assert.Equal("data__items", rejected.TableName);
        Assert.EndsWith("on qty__it", rejected.Reason, StringComparison.Ordinal);
        Assert.Empty(plan.Writes);
        Assert.Equal(1, plan.FindStats("data")!.RowsRejected);
    }

    [Fact]
    public void Plan_ReservedSuffixOnAnArrayKey_RejectsTheRecord()
    {
        var plan = Plan(null, """{"tags__st":["a"]}""");

        Assert.Equal("column names from client should not include reserved datatype suffix on tags__st", Assert.Single(plan.Rejections).Reason);
    }

    [Fact]
    public void Plan_NestedFieldStartingWithSdc_IsAllowedBecauseTheColumnDoesNotStartWithIt()
    {
        var plan = Plan(null, """{"meta":{"_sdc_x":1}}""");

        Assert.Empty(plan.Rejections);
        Assert.Equal(1L, Assert.Single(plan.RowsOf("data"))["meta___sdc_x"]);
    }

    [Theory]
    [InlineData("""{"id":1,"i!d":2}""", "id")]
    [InlineData("""{"id":1,"ID":"Paul"}""", "id")]
    [InlineData("""{"a__b":1,"a":{"b":2}}""", "a__b")]
    [InlineData("""{"x":[1],"x!":[2]}""", "x")]
    [InlineData("""{"__sdc_primary_key":"mine"}""", "__sdc_primary_key")]
    public void Plan_TwoFieldsMappingToOneColumn_RejectsTheRecordWithFieldCollision(string json, string column)
    {
        var plan = Plan(null, json, """{"other":1}""");

        var rejected = Assert.Single(plan.Rejections);
        Assert.Equal($"Field collision on {column}", rejected.Reason);
        Assert.Equal(json, rejected.Record);
        Assert.Single(plan.RowsOf("data"));
    }

    [Fact]
    public void Plan_ManyFieldsWithALateCollision_IsStillDetected()
    {
        var fields = string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"f{i}\":{i}"));

        var plan = Plan(null, $$"""{{{fields}},"F7":1}""");

        Assert.Equal("Field collision on f7", Assert.Single(plan.Rejections).Reason);
    }

    [Fact]
    public void Plan_SameNameInDifferentArrayElements_IsNoCollision()
    {
        var plan = Plan(null, """{"items":[{"a":1},{"a":2}]}""");

        Assert.Empty(plan.Rejections);
        Assert.Equal(2, plan.RowsOf("data__items").Count);
    }

    [Fact]
    public void Plan_ColumnNameOver59Bytes_DropsTheColumnLogsItAndLoadsTheRest()
    {
        var longName = new string('c', 60);
        var fits = new string('f', 59);
        var json = $$"""{"id":1,"{{longName}}":"x","{{fits}}":"y"}""";

        var plan = Plan(null, json, $$"""{"id":2,"{{longName}}":"z"}""");

        Assert.Equal([1L, 2L], plan.RowsOf("data").Select(r => r["id"]));
        Assert.DoesNotContain(longName, plan.TableAfter("data").ColumnNames());
        Assert.Contains(fits, plan.TableAfter("data").ColumnNames());
        Assert.Equal(2, plan.Rejections.Count);
        Assert.All(plan.Rejections, r => Assert.Equal($"Column name {longName} is too long for PostgreSQL", r.Reason));
        Assert.Equal(json, plan.Rejections[0].Record);
        Assert.Equal((2L, 0L), (plan.FindStats("data")!.RowsLoaded, plan.FindStats("data")!.RowsRejected));
    }

    [Fact]
    public void Plan_LongColumnInManyElementsOfOneRecord_IsLoggedOncePerRecord()
    {
        var longName = new string('c', 60);

        var plan = Plan(null, $$"""{"items":[{"{{longName}}":1,"q":1},{"{{longName}}":2,"q":2}]}""");

        var logged = Assert.Single(plan.Rejections);
        Assert.Equal("data__items", logged.TableName);
        Assert.Equal(2, plan.RowsOf("data__items").Count);
    }

    [Fact]
    public void Plan_MultiByteColumnName_IsMeasuredInUtf8Bytes()
    {
        var name = new string('é', 30); // 30 characters, 60 bytes

        var plan = Plan(null, $$"""{"{{name}}":1}""");

        Assert.Equal($"Column name {name} is too long for PostgreSQL", Assert.Single(plan.Rejections).Reason);
    }

    [Fact]
    public void Plan_TableNameOver63Bytes_RejectsThatTablesRowsAndStillLoadsTheRoot()
    {
        var key = new string('k', 60); // data__ + 60 = 66
        var json = $$"""{"id":1,"{{key}}":[{"a":1},{"a":2}],"ok":[1]}""";

        var plan = Plan(null, json, """{"id":2}""");

        var table = "data__" + key;
        var rejected = Assert.Single(plan.Rejections);
        Assert.Equal($"Table name {table} is too long for PostgreSQL", rejected.Reason);
        Assert.Equal(table, rejected.TableName);
        Assert.Equal(json, rejected.Record);
        Assert.Equal([1L, 2L], plan.RowsOf("data").Select(r => r["id"]));
        Assert.Single(plan.RowsOf("data__ok"));
        Assert.Null(plan.FindWrite(table));
        Assert.DoesNotContain(plan.SchemaChanges, c => c.Table == table);
        var stats = plan.FindStats(table)!;
        Assert.Equal((0L, 2L, (long?)null), (stats.RowsLoaded, stats.RowsRejected, stats.MaxSequence));
    }

    [Fact]
    public void Plan_SubtableOfATooLongTable_GoesWithIt()
    {
        var key = new string('k', 60);

        var plan = Plan(null, $$"""{"{{key}}":[{"b":[1]}]}""");

        Assert.Single(plan.Rejections);
        Assert.Equal(["data"], plan.Writes.Select(w => w.Table));
    }

    [Fact]
    public void Plan_MoreThan1600Columns_RejectsTheTablesRowsWithTooManyColumns()
    {
        var fields = string.Join(",", Enumerable.Range(0, 1600).Select(i => $"\"f{i}\":{i}"));
        var wide = $$"""{"id":1,"wide":[{{{fields}}}]}""";

        var plan = Plan(null, wide, """{"id":2,"wide":[{"f1":1}]}""");

        Assert.Equal(2, plan.Rejections.Count);
        Assert.All(plan.Rejections, r => Assert.Equal(("ERROR: too many columns", "data__wide"), (r.Reason, r.TableName)));
        Assert.Equal(2, plan.RowsOf("data").Count);
        Assert.Null(plan.FindWrite("data__wide"));
        Assert.Equal(2, plan.FindStats("data__wide")!.RowsRejected);
    }

    [Fact]
    public void Plan_RootOver1600Columns_RejectsEveryRecordAndChangesNothing()
    {
        var fields = string.Join(",", Enumerable.Range(0, 1600).Select(i => $"\"f{i}\":{i}"));

        var plan = Plan(null, $$"""{{{fields}},"items":[1]}""", """{"f1":1}""");

        Assert.Equal(2, plan.Rejections.Count);
        Assert.All(plan.Rejections, r => Assert.Equal(("ERROR: too many columns", "data"), (r.Reason, r.TableName)));
        Assert.Empty(plan.Writes);
        Assert.Empty(plan.SchemaChanges);
        Assert.Equal(["data"], plan.Tables.Select(t => t.Table));
    }

    [Fact]
    public void Plan_ExactlyTheColumnLimit_Loads()
    {
        // 1600 columns in all: 5 fixed + 1595 data.
        var fields = string.Join(",", Enumerable.Range(0, 1595).Select(i => $"\"f{i}\":{i}"));

        var plan = Plan(null, $$"""{{{fields}}}""");

        Assert.Empty(plan.Rejections);
        Assert.Equal(1600, plan.TableAfter("data").Columns.Count);
    }

    [Fact]
    public void Plan_FieldNameWithNoUsableCharacters_RejectsTheRecord()
    {
        var plan = Plan(null, """{"123":1}""");

        Assert.StartsWith("Column name for field \"123\" is empty", Assert.Single(plan.Rejections).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PrimaryKeyNearThe50CharacterLimit_RejectsSubtableRowsWhoseSourceKeyColumnIsTooLong()
    {
        var key = new string('k', 50);

        var plan = Plan(key, $$"""{"{{key}}":1,"items":[{"a":1}]}""");

        var rejected = Assert.Single(plan.Rejections);
        Assert.Equal($"Column name _sdc_source_key_{key} is too long for PostgreSQL", rejected.Reason);
        Assert.Equal("data__items", rejected.TableName);
        Assert.Single(plan.RowsOf("data"));
    }

    [Fact]
    public void Plan_ColumnNamesKeepTheirCase()
    {
        var plan = Plan(null, """{"CuStOmErId":1}""");

        Assert.Equal(ColumnType.BigInt, plan.TableAfter("data").Find("CuStOmErId")!.Type);
    }
}
