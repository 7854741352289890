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
    [InlineData("_sdc_extra", "__sdc_extra")]
    [InlineData("_SDC_extra", "__SDC_extra")]
    [InlineData("_rjm_x", "__rjm_x")]
    [InlineData("price__st", "price__st_")]
    [InlineData("price__BI", "price__BI_")]
    [InlineData("x__bo", "x__bo_")]
    [InlineData("x__de", "x__de_")]
    [InlineData("x__do", "x__do_")]
    [InlineData("x__it", "x__it_")]
    [InlineData("x__ti", "x__ti_")]
    [InlineData("x__js", "x__js_")]
    public void Plan_ReservedPrefixOrSuffix_IsRenamedAndTheRecordLoads(string field, string column)
    {
        var plan = Plan(null, $$"""{"ok":1,"{{field}}":2}""", """{"ok":3}""");

        Assert.Empty(plan.Rejections);
        Assert.Equal([2L, null], plan.RowsOf("data").Select(r => r[column]));
        Assert.Equal(field, plan.Mappings.Single(m => m.Column == column).JsonPath);
    }

    [Fact]
    public void Plan_ReservedSuffixInsideASubtable_IsRenamed()
    {
        var plan = Plan(null, """{"items":[{"qty__it":1}]}""");

        Assert.Empty(plan.Rejections);
        Assert.Equal(1L, Assert.Single(plan.RowsOf("data__items"))["qty__it_"]);
    }

    [Fact]
    public void Plan_ReservedSuffixOnAnArrayKey_NamesTheSubtableWithoutIt()
    {
        var plan = Plan(null, """{"tags__st":["a"]}""");

        Assert.Empty(plan.Rejections);
        Assert.Equal("a", Assert.Single(plan.RowsOf("data__tags__st_"))["value"]);
    }

    [Fact]
    public void Plan_NestedFieldStartingWithSdc_IsAllowedBecauseTheColumnDoesNotStartWithIt()
    {
        var plan = Plan(null, """{"meta":{"_sdc_x":1}}""");

        Assert.Empty(plan.Rejections);
        Assert.Equal(1L, Assert.Single(plan.RowsOf("data"))["meta___sdc_x"]);
    }

    [Theory]
    [InlineData("""{"id":1,"i!d":2}""", "id", "i!d", "id_2")]
    [InlineData("""{"id":1,"ID":"Paul"}""", "id", "ID", "ID_2")]
    [InlineData("""{"a__b":1,"a":{"b":2}}""", "a__b", "a.b", "a__b_2")]
    [InlineData("""{"reactions":{"+1":3,"-1":1}}""", "reactions__1", "reactions.-1", "reactions__1_2")]
    [InlineData("""{"__sdc_primary_key":"mine"}""", "__sdc_primary_key", "__sdc_primary_key", "__sdc_primary_key_2")]
    public void Plan_TwoKeysComingToOneName_GetDistinctColumnsAndTheRecordLoads(string json, string first, string secondPath, string second)
    {
        var plan = Plan(null, json, """{"other":1}""");

        Assert.Empty(plan.Rejections);
        var row = plan.RowsOf("data")[0];
        Assert.NotNull(row[first]);
        Assert.NotNull(row[second]);
        Assert.Equal(secondPath, plan.Mappings.Single(m => m.Column == second).JsonPath);
    }

    [Fact]
    public void Plan_TwoArraysComingToOneTableName_GetDistinctSubtables()
    {
        var plan = Plan(null, """{"x":[1],"x!":[2]}""");

        Assert.Empty(plan.Rejections);
        Assert.Equal(1L, Assert.Single(plan.RowsOf("data__x"))["value"]);
        Assert.Equal(2L, Assert.Single(plan.RowsOf("data__x_2"))["value"]);
        Assert.Equal("x!", plan.Mappings.First(m => m.Table == "data__x_2").TablePath);
    }

    [Fact]
    public void Plan_CollisionResolution_IsStableAcrossBatchesWhateverOrderTheKeysComeIn()
    {
        var first = Plan(null, """{"reactions":{"+1":3,"-1":1}}""");
        var tables = first.TablesAfter([]);

        // The next batch sends -1 first: it keeps reactions__1_2, decided once and read back from the mappings.
        var second = Plan(null, tables, """{"reactions":{"-1":7,"+1":8}}""");

        Assert.Empty(second.SchemaChanges);
        Assert.Empty(second.Mappings);
        var row = Assert.Single(second.RowsOf("data"));
        Assert.Equal((8L, 7L), (row["reactions__1"], row["reactions__1_2"]));
    }

    [Fact]
    public void Plan_KeyGivenTwiceInOneObject_RejectsTheRecordSayingSo()
    {
        var plan = Plan(null, """{"a":1,"a":2}""", """{"a":3}""");

        var rejected = Assert.Single(plan.Rejections);
        Assert.StartsWith("Key a appears twice in one object", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal([3L], plan.RowsOf("data").Select(r => r["a"]));
    }

    [Fact]
    public void Plan_ManyFieldsWithALateCaseCollision_GetsItsOwnColumn()
    {
        var fields = string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"f{i}\":{i}"));

        var plan = Plan(null, $$"""{{{fields}},"F7":1}""");

        Assert.Empty(plan.Rejections);
        Assert.Equal((7L, 1L), (plan.RowsOf("data")[0]["f7"], plan.RowsOf("data")[0]["F7_2"]));
    }

    [Fact]
    public void Plan_SameNameInDifferentArrayElements_IsNoCollision()
    {
        var plan = Plan(null, """{"items":[{"a":1},{"a":2}]}""");

        Assert.Empty(plan.Rejections);
        Assert.Equal(2, plan.RowsOf("data__items").Count);
    }

    [Fact]
    public void Fit_LongName_IsAReadablePrefixAndAHashWithinTheLimit()
    {
        var name = "check_run__check_suite__app__permissions__organization_administration";

        var fitted = ColumnNamer.Fit(name, ColumnNamer.MaxColumnNameBytes);

        Assert.Equal(ColumnNamer.MaxColumnNameBytes, fitted.Length);
        Assert.StartsWith(name[..(ColumnNamer.MaxColumnNameBytes - 9)] + "_", fitted, StringComparison.Ordinal);
        Assert.Matches("_[0-9a-f]{8}$", fitted);
        Assert.Equal(fitted, ColumnNamer.Fit(name, ColumnNamer.MaxColumnNameBytes));
        Assert.NotEqual(fitted, ColumnNamer.Fit(name + "x", ColumnNamer.MaxColumnNameBytes));
        Assert.Equal("short", ColumnNamer.Fit("short", ColumnNamer.MaxColumnNameBytes));
        Assert.True(ColumnTypes.SplitName(fitted, ColumnType.BigInt).Length <= ColumnNamer.MaxTableNameBytes, "a split suffix still fits");
        Assert.False(ColumnNamer.IsReserved(fitted));
    }

    [Fact]
    public void Fit_MultiByteName_CountsUtf8BytesAndNeverSplitsACharacter()
    {
        var name = new string('é', 30); // 30 characters, 60 bytes

        var fitted = ColumnNamer.Fit(name, ColumnNamer.MaxColumnNameBytes);

        Assert.True(System.Text.Encoding.UTF8.GetByteCount(fitted) <= ColumnNamer.MaxColumnNameBytes);
        Assert.StartsWith(new string('é', 25) + "_", fitted, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ColumnNameOver59Bytes_IsShortenedNeverDroppedAndMapped()
    {
        var longName = new string('c', 60);
        var fits = new string('f', 59);
        var json = $$"""{"id":1,"{{longName}}":"x","{{fits}}":"y"}""";

        var plan = Plan(null, json, $$"""{"id":2,"{{longName}}":"z"}""");

        Assert.Empty(plan.Rejections);
        var shortened = ColumnNamer.Fit(longName, ColumnNamer.MaxColumnNameBytes);
        Assert.Equal(["x", "z"], plan.RowsOf("data").Select(r => r[shortened]));
        Assert.Contains(fits, plan.TableAfter("data").ColumnNames());
        Assert.Equal(longName, plan.Mappings.Single(m => m.Column == shortened).JsonPath);
        Assert.Equal((2L, 0L), (plan.FindStats("data")!.RowsLoaded, plan.FindStats("data")!.RowsRejected));
    }

    [Fact]
    public void Plan_SeventyCharacterNestedPath_LoadsIntoAShortenedColumnWithItsFullPathMapped()
    {
        var json = """{"check_run":{"check_suite":{"app":{"permissions":{"organization_administration":"read"}}}}}""";

        var plan = Plan(null, json);

        var mapping = plan.Mappings.Single(m => m.JsonPath == "check_run.check_suite.app.permissions.organization_administration");
        Assert.Equal(ColumnNamer.MaxColumnNameBytes, mapping.Column.Length);
        Assert.Equal("read", Assert.Single(plan.RowsOf("data"))[mapping.Column]);
    }

    [Fact]
    public void Plan_TableNameOver63Bytes_IsShortenedAndLoadsWithItsSubtables()
    {
        var key = new string('k', 60); // data__ + 60 = 66
        var json = $$"""{"id":1,"{{key}}":[{"a":1,"b":[true]},{"a":2}],"ok":[1]}""";

        var plan = Plan(null, json, """{"id":2}""");

        Assert.Empty(plan.Rejections);
        var table = ColumnNamer.Fit("data__" + ColumnNamer.ClientName(key), ColumnNamer.MaxTableNameBytes);
        Assert.Equal(63, table.Length);
        Assert.StartsWith("data__kkk", table, StringComparison.Ordinal);
        Assert.Equal([1L, 2L], plan.RowsOf(table).Select(r => r["a"]));
        Assert.Single(plan.RowsOf("data__ok"));
        var nested = plan.Writes.Single(w => w.Table.StartsWith(table[..40], StringComparison.Ordinal) && w.Table != table);
        Assert.True(nested.Table.Length <= 63);
        Assert.Equal(key, plan.Mappings.First(m => m.Table == table).TablePath);
    }

    [Fact]
    public void Plan_PrimaryKeyAtThe50CharacterLimit_ShortensTheSourceKeyColumnOfSubtables()
    {
        var key = new string('k', 50);

        var plan = Plan(key, $$"""{"{{key}}":1,"items":[{"a":1}]}""");

        Assert.Empty(plan.Rejections);
        var sourceKey = ColumnNamer.Fit("_sdc_source_key_" + key, ColumnNamer.MaxColumnNameBytes);
        Assert.Equal(1L, Assert.Single(plan.RowsOf("data__items"))[sourceKey]);
        Assert.Equal([sourceKey, "_sdc_level_0_id"], plan.FindWrite("data__items")!.KeyColumns);
    }

    [Theory]
    [InlineData("123", "_123")]
    [InlineData("+1", "_1")]
    [InlineData("🎉", null)]
    public void Plan_FieldNameWithNoUsableLeadingCharacters_GetsAName(string field, string? column)
    {
        var plan = Plan(null, $$"""{"{{field}}":1}""");

        Assert.Empty(plan.Rejections);
        var mapping = plan.Mappings.Single(m => m.JsonPath == field);
        if (column is not null)
        {
            Assert.Equal(column, mapping.Column);
        }
        else
        {
            Assert.Matches("^_[0-9a-f]{8}$", mapping.Column);
        }

        Assert.Equal(1L, Assert.Single(plan.RowsOf("data"))[mapping.Column]);
    }

    [Fact]
    public void Plan_EveryColumnCreated_HasAMappingRow()
    {
        var plan = Plan("id", """{"id":1,"customer":{"email":"a@example.com"},"items":[{"sku":"A-1"}],"tags":["x"]}""");

        foreach (var change in plan.SchemaChanges.OfType<CreateTable>())
        {
            Assert.Equal(
                change.Columns.Select(c => c.Name).Order(StringComparer.Ordinal),
                plan.Mappings.Where(m => m.Table == change.Table).Select(m => m.Column).Order(StringComparer.Ordinal));
        }

        Assert.Equal("customer.email", plan.Mappings.Single(m => m.Column == "customer__email").JsonPath);
        Assert.Equal("items[].sku", plan.Mappings.Single(m => m.Table == "data__items" && m.Column == "sku").JsonPath);
        Assert.Equal("tags[]", plan.Mappings.Single(m => m.Table == "data__tags" && m.Column == "value").JsonPath);
        Assert.Equal("id", plan.Mappings.Single(m => m.Table == "data" && m.Column == "id").JsonPath);
        Assert.Null(plan.Mappings.Single(m => m.Table == "data" && m.Column == "_sdc_sequence").JsonPath);
        Assert.All(plan.Mappings, m => Assert.Equal("data", m.RootTable));
    }

    [Fact]
    public void Plan_ColumnNamesKeepTheirCase()
    {
        var plan = Plan(null, """{"CuStOmErId":1}""");

        Assert.Equal(ColumnType.BigInt, plan.TableAfter("data").Find("CuStOmErId")!.Type);
    }
}
