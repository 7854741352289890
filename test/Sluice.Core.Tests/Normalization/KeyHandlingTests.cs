using Sluice.Core.Tables;
using static Sluice.Core.Tests.Normalization.Planning;

namespace Sluice.Core.Tests.Normalization;

public class KeyHandlingTests
{
    [Theory]
    [InlineData("""{"name":"no key"}""")]
    [InlineData("""{"id":null,"name":"null key"}""")]
    public void Plan_KeyMissingOrNull_RejectsTheRecordWithTheReason(string json)
    {
        var plan = Plan("id", json, """{"id":1}""");

        var rejected = Assert.Single(plan.Rejections);
        Assert.Equal("Primary key field id is missing or null", rejected.Reason);
        Assert.Equal(("data", json, BatchedAt), (rejected.TableName, rejected.Record, rejected.RejectedAt));
        Assert.Equal([1L], plan.RowsOf("data").Select(r => r["id"]));
        Assert.Equal((1L, 1L), (plan.FindStats("data")!.RowsLoaded, plan.FindStats("data")!.RowsRejected));
    }

    [Fact]
    public void Plan_KeyInANestedObjectOnly_IsMissing()
    {
        var plan = Plan("id", """{"order":{"id":1}}""");

        Assert.Equal("Primary key field id is missing or null", Assert.Single(plan.Rejections).Reason);
    }

    [Fact]
    public void Plan_KeyThatIsAnObject_IsRejected()
    {
        var plan = Plan("id", """{"id":{"a":1}}""");

        Assert.Equal("Primary key field id must be a string, a number or a boolean, not an object or an array", Assert.Single(plan.Rejections).Reason);
    }

    [Theory]
    [InlineData("\"abc\"", ColumnType.Text, "abc")]
    [InlineData("42", ColumnType.BigInt, 42L)]
    [InlineData("true", ColumnType.Boolean, true)]
    public void Plan_KeyOfAnyScalarType_TypesTheKeyColumnAndItsSourceKeys(string key, ColumnType type, object value)
    {
        var plan = Plan("id", $$"""{"id":{{key}},"items":[1]}""");

        Assert.Equal(type, plan.TableAfter("data").Find("id")!.Type);
        Assert.Equal(type, plan.TableAfter("data__items").Find("_sdc_source_key_id")!.Type);
        Assert.Equal(value, Assert.Single(plan.RowsOf("data__items"))["_sdc_source_key_id"]);
        Assert.Equal(
            ["_sdc_received_at", "_sdc_batched_at", "_sdc_sequence", "_sdc_table_version", "id"],
            plan.TableAfter("data").ColumnNames());
    }

    [Fact]
    public void Plan_KeyOfAnotherTypeThanTheExistingKeyColumn_IsRejectedAndTheRestLoads()
    {
        TableSchema[] existing = [ExistingRoot("id", ColumnType.BigInt)];

        var plan = Plan("id", existing, """{"id":"A-1"}""", """{"id":2}""");

        var rejected = Assert.Single(plan.Rejections);
        Assert.Equal("Primary key field id is text, but key column id is bigint", rejected.Reason);
        Assert.Empty(plan.SchemaChanges);
        Assert.Equal([2L], plan.RowsOf("data").Select(r => r["id"]));
    }

    [Fact]
    public void Plan_KeyTypeChangingWithinABatch_KeepsTheFirstTypeAndRejectsTheOther()
    {
        var plan = Plan("id", """{"id":1}""", """{"id":"2"}""", """{"id":3}""");

        Assert.Equal("Primary key field id is text, but key column id is bigint", Assert.Single(plan.Rejections).Reason);
        Assert.Equal([1L, 3L], plan.RowsOf("data").Select(r => r["id"]));
        Assert.DoesNotContain(plan.TableAfter("data").ColumnNames(), c => c.StartsWith("id__", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_SameKeyTwiceInABatch_KeepsOnlyTheHighestSequence()
    {
        var plan = Plan("id", """{"id":1,"status":"new"}""", """{"id":2,"status":"new"}""", """{"id":1,"status":"paid"}""");

        var rows = plan.RowsOf("data");
        Assert.Equal([(2L, "new"), (1L, "paid")], rows.Select(r => ((long)r["id"]!, (string)r["status"]!)));
        Assert.Equal(FirstSequence + 2, rows[1]["_sdc_sequence"]);
        Assert.Empty(plan.Rejections);
        Assert.Equal((2L, 0L), (plan.FindStats("data")!.RowsLoaded, plan.FindStats("data")!.RowsRejected));
    }

    [Fact]
    public void Plan_SameKeyOutOfOrder_TheHighestSequenceWinsNotTheLastInTheList()
    {
        var records = Records("""{"id":1,"v":"older"}""", """{"id":1,"v":"newer"}""").Reverse().ToArray();

        var plan = Plan("id", [], records);

        Assert.Equal("newer", Assert.Single(plan.RowsOf("data"))["v"]);
    }

    [Fact]
    public void Plan_DuplicateKeys_WriteSubtableRowsOnlyFromTheWinner()
    {
        var plan = Plan(
            "id",
            """{"id":1,"items":[{"sku":"old-a"},{"sku":"old-b"},{"sku":"old-c"}]}""",
            """{"id":1,"items":[{"sku":"new-a"}]}""");

        var items = plan.RowsOf("data__items");
        Assert.Equal(["new-a"], items.Select(r => r["sku"]));
        Assert.All(items, r => Assert.Equal(FirstSequence + 1, r["_sdc_sequence"]));
    }

    [Fact]
    public void Plan_ColumnsOnlyInSupersededRecords_AreNotCreated()
    {
        var plan = Plan("id", """{"id":1,"legacy":"x","tags":["a"]}""", """{"id":1,"v":2}""");

        Assert.DoesNotContain("legacy", plan.TableAfter("data").ColumnNames());
        Assert.Null(plan.FindWrite("data__tags"));
    }

    [Fact]
    public void Plan_NewestRecordOfAKeyRejected_TheNewestValidOneWins()
    {
        var plan = Plan("id", """{"id":1,"v":"valid"}""", """{"id":1,"v":"nul \u0000 inside"}""");

        Assert.Single(plan.Rejections);
        Assert.Equal("valid", Assert.Single(plan.RowsOf("data"))["v"]);
    }

    [Fact]
    public void Plan_KeyWithSpecialCharacters_UsesTheSanitizedColumnAsKey()
    {
        var plan = Plan("order-id", """{"order-id":"A1","items":[1]}""");

        Assert.Equal(["orderid"], plan.TableAfter("data").PrimaryKey);
        Assert.Equal([KeyValuePair.Create("_sdc_source_key_orderid", "orderid")], plan.FindWrite("data__items")!.ParentKeyColumns);
    }

    [Fact]
    public void Plan_AppendOnly_GivesEveryRecordItsOwnUuidAndKeepsRepeats()
    {
        var plan = Plan(null, """{"id":1}""", """{"id":1}""");

        var rows = plan.RowsOf("data");
        Assert.Equal([GuidSequence.Nth(2), GuidSequence.Nth(3)], rows.Select(r => r["__sdc_primary_key"]));
        Assert.Equal(WriteMode.Append, plan.FindWrite("data")!.Mode);
        Assert.Empty(plan.FindWrite("data")!.KeyColumns);
        Assert.Empty(plan.TableAfter("data").PrimaryKey);
    }

    [Fact]
    public void Plan_AppendOnlyUuids_AreRealRandomGuidsWithTheDefaultGenerator()
    {
        var plan = new Sluice.Core.Normalization.LoadPlanner().Plan(
            new Sluice.Core.Normalization.LoadContext(SourceId, Schema, null, Guid.NewGuid), Records("{}", "{}"), [], BatchedAt);

        var keys = plan.RowsOf("data").Select(r => (string)r["__sdc_primary_key"]!).ToArray();
        Assert.All(keys, k => Assert.True(Guid.TryParse(k, out _)));
        Assert.NotEqual(keys[0], keys[1]);
    }

    [Fact]
    public void Plan_UpsertWithExistingSubtablesAbsentFromTheBatch_StillWritesThemSoOldRowsAreReplaced()
    {
        TableSchema[] existing =
        [
            ExistingRoot("id", ColumnType.BigInt),
            Table("data__items", [.. RootSystemColumns, ("_sdc_source_key_id", ColumnType.BigInt), ("_sdc_level_0_id", ColumnType.BigInt), ("sku", ColumnType.Text)]),
        ];

        var plan = Plan("id", existing, """{"id":1,"items":[]}""");

        Assert.Equal(["data", "data__items"], plan.Writes.Select(w => w.Table));
        var items = plan.FindWrite("data__items")!;
        Assert.Empty(items.Rows);
        Assert.Equal(WriteMode.Upsert, items.Mode);
        Assert.Equal([KeyValuePair.Create("_sdc_source_key_id", "id")], items.ParentKeyColumns);
        Assert.Equal(["data"], plan.Tables.Select(t => t.Table));
    }

    [Fact]
    public void Plan_AppendOnlyWithExistingSubtables_WritesOnlyTablesWithRows()
    {
        TableSchema[] existing =
        [
            ExistingRoot("__sdc_primary_key", ColumnType.Text),
            Table("data__items", [.. RootSystemColumns, ("_sdc_source_key___sdc_primary_key", ColumnType.Text), ("_sdc_level_0_id", ColumnType.BigInt)]),
        ];

        var plan = Plan(null, existing, """{"a":1}""");

        Assert.Equal(["data"], plan.Writes.Select(w => w.Table));
    }

    [Fact]
    public void Plan_KeyNameAlsoUsedInsideArrayElements_IsAnOrdinarySubtableColumn()
    {
        var plan = Plan("id", """{"id":1,"items":[{"id":"A"}]}""");

        var item = Assert.Single(plan.RowsOf("data__items"));
        Assert.Equal((1L, "A"), (item["_sdc_source_key_id"], item["id"]));
    }

    [Fact]
    public void Plan_ExistingKeyColumnSpelledInAnotherCase_IsUsedForKeysAndSourceKeys()
    {
        TableSchema[] existing = [ExistingRoot("ID", ColumnType.BigInt)];

        var plan = Plan("id", existing, """{"id":1,"items":[1]}""");

        Assert.Equal(["ID"], plan.FindWrite("data")!.KeyColumns);
        Assert.Equal(1L, Assert.Single(plan.RowsOf("data"))["ID"]);
        Assert.Equal([KeyValuePair.Create("_sdc_source_key_ID", "ID")], plan.FindWrite("data__items")!.ParentKeyColumns);
    }

    [Fact]
    public void Plan_FractionalKeys_DeduplicateByValue()
    {
        var plan = Plan("id", """{"id":1.5,"v":1}""", """{"id":1.5,"v":2}""", """{"id":2.5,"v":3}""");

        Assert.Equal([(1.5, 2L), (2.5, 3L)], plan.RowsOf("data").Select(r => ((double)r["id"]!, (long)r["v"]!)));
    }

    [Fact]
    public void Plan_FieldsDifferingOnlyInCaseAcrossRecords_AreDistinctFieldsWithDistinctColumns()
    {
        var plan = Plan(null, """{"Name":"a"}""", """{"name":"b"}""");

        Assert.Contains("Name", plan.TableAfter("data").ColumnNames());
        Assert.Contains("name_2", plan.TableAfter("data").ColumnNames());
        Assert.Equal(["a", null], plan.RowsOf("data").Select(r => r["Name"]));
        Assert.Equal([null, "b"], plan.RowsOf("data").Select(r => r["name_2"]));
        Assert.Equal("name", plan.Mappings.Single(m => m.Column == "name_2").JsonPath);
    }
}
