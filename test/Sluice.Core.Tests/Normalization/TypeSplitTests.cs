using Sluice.Core.Tables;
using static Sluice.Core.Tests.Normalization.Planning;

namespace Sluice.Core.Tests.Normalization;

public class TypeSplitTests
{
    [Fact]
    public void Plan_FieldWithTwoTypesInANewTable_CreatesBothSplitColumnsDirectly()
    {
        var plan = Plan(null, """{"age":30}""", """{"age":"thirty"}""");

        var create = Assert.IsType<CreateTable>(Assert.Single(plan.SchemaChanges));
        Assert.Equal(["age__bi", "age__st"], create.Columns.Skip(5).Select(c => c.Name));
        Assert.Equal([ColumnType.BigInt, ColumnType.Text], create.Columns.Skip(5).Select(c => c.Type));
        var rows = plan.RowsOf("data");
        Assert.Equal((30L, null), (rows[0]["age__bi"], rows[0]["age__st"]));
        Assert.Equal((null, "thirty"), (rows[1]["age__bi"], rows[1]["age__st"]));
    }

    [Fact]
    public void Plan_NewTypeForAnExistingColumn_RenamesTheOriginalAndAddsTheNewTypedColumn()
    {
        TableSchema[] existing = [ExistingRoot("__sdc_primary_key", ColumnType.Text, ("has_magic", ColumnType.Boolean), ("name", ColumnType.Text))];

        var plan = Plan(null, existing, """{"has_magic":"very","name":"x"}""", """{"has_magic":true}""");

        Assert.Equal(
            [new RenameColumn("data", "has_magic", "has_magic__bo"), new AddColumn("data", new ColumnSpec("has_magic__st", ColumnType.Text))],
            plan.SchemaChanges);
        Assert.Equal(
            ["__sdc_primary_key", "has_magic__bo", "name", "has_magic__st"],
            plan.TableAfter("data", existing).ColumnNames().Skip(4));
        var rows = plan.RowsOf("data");
        Assert.Equal("very", rows[0]["has_magic__st"]);
        Assert.Null(rows[0]["has_magic__bo"]);
        Assert.Equal(true, rows[1]["has_magic__bo"]);
        Assert.False(rows[1].Has("has_magic"));
    }

    [Fact]
    public void Plan_ValueOfTheExistingType_GoesToTheExistingColumnWithoutChanges()
    {
        TableSchema[] existing = [ExistingRoot("__sdc_primary_key", ColumnType.Text, ("age", ColumnType.BigInt))];

        var plan = Plan(null, existing, """{"age":31}""");

        Assert.Empty(plan.SchemaChanges);
        Assert.Equal(31L, Assert.Single(plan.RowsOf("data"))["age"]);
    }

    [Fact]
    public void Plan_AlreadySplitColumn_AddsOnlyTheMissingTypedColumn()
    {
        TableSchema[] existing = [ExistingRoot("__sdc_primary_key", ColumnType.Text, ("age__bi", ColumnType.BigInt), ("age__st", ColumnType.Text))];

        var plan = Plan(null, existing, """{"age":1.5}""", """{"age":"x"}""", """{"age":2}""");

        Assert.Equal([new AddColumn("data", new ColumnSpec("age__do", ColumnType.Double))], plan.SchemaChanges);
        var rows = plan.RowsOf("data");
        Assert.Equal(1.5, rows[0]["age__do"]);
        Assert.Equal("x", rows[1]["age__st"]);
        Assert.Equal(2L, rows[2]["age__bi"]);
    }

    [Fact]
    public void Plan_IntegerThenFractionInOneBatch_SplitsIntoBigIntAndDouble()
    {
        var plan = Plan(null, """{"cost":1}""", """{"cost":1.5}""");

        Assert.Equal(["cost__bi", "cost__do"], plan.TableAfter("data").ColumnNames().Skip(5));
    }

    [Fact]
    public void Plan_NewFieldsForAnExistingTable_AreAddedAtTheEndInFirstSeenOrder()
    {
        TableSchema[] existing = [ExistingRoot("__sdc_primary_key", ColumnType.Text, ("a", ColumnType.BigInt))];

        var plan = Plan(null, existing, """{"c":"x","a":1}""", """{"b":true,"c":"y"}""");

        Assert.Equal(
            [new AddColumn("data", new ColumnSpec("c", ColumnType.Text)), new AddColumn("data", new ColumnSpec("b", ColumnType.Boolean))],
            plan.SchemaChanges);
        Assert.Equal(["__sdc_primary_key", "a", "c", "b"], plan.TableAfter("data", existing).ColumnNames().Skip(4));
    }

    [Fact]
    public void Plan_FieldAbsentFromTheBatch_KeepsItsColumnAndWritesOnlyFilledColumns()
    {
        TableSchema[] existing = [ExistingRoot("__sdc_primary_key", ColumnType.Text, ("old", ColumnType.Text), ("a", ColumnType.BigInt))];

        var plan = Plan(null, existing, """{"a":1}""");

        Assert.Empty(plan.SchemaChanges);
        var write = Assert.Single(plan.Writes);
        Assert.DoesNotContain(write.Columns, c => c.Name == "old");
        Assert.Null(Assert.Single(plan.RowsOf("data"))["old"]);
    }

    [Fact]
    public void Plan_AllNullColumn_IsNeverCreatedEvenOnAnExistingTable()
    {
        TableSchema[] existing = [ExistingRoot("__sdc_primary_key", ColumnType.Text, ("a", ColumnType.BigInt))];

        var plan = Plan(null, existing, """{"a":1,"maybe":null}""", """{"maybe":null}""");

        Assert.Empty(plan.SchemaChanges);
    }

    [Fact]
    public void Plan_ExistingColumnSpelledInAnotherCase_IsReusedNotDuplicated()
    {
        TableSchema[] existing = [ExistingRoot("__sdc_primary_key", ColumnType.Text, ("CustomerId", ColumnType.BigInt))];

        var plan = Plan(null, existing, """{"customerid":5}""");

        Assert.Empty(plan.SchemaChanges);
        Assert.Equal(5L, Assert.Single(plan.RowsOf("data"))["CustomerId"]);
    }

    [Fact]
    public void Plan_ExistingSubtable_GetsTheSameSplitRule()
    {
        TableSchema[] existing =
        [
            ExistingRoot("__sdc_primary_key", ColumnType.Text),
            Table("data__tags", [.. RootSystemColumns, ("_sdc_source_key___sdc_primary_key", ColumnType.Text), ("_sdc_level_0_id", ColumnType.BigInt), ("value", ColumnType.Text)]),
        ];

        var plan = Plan(null, existing, """{"tags":[7]}""");

        Assert.Equal(
            [new RenameColumn("data__tags", "value", "value__st"), new AddColumn("data__tags", new ColumnSpec("value__bi", ColumnType.BigInt))],
            plan.SchemaChanges);
        Assert.Equal(7L, Assert.Single(plan.RowsOf("data__tags"))["value__bi"]);
    }

    [Fact]
    public void Plan_ExistingTableMissingASystemColumn_AddsItBack()
    {
        TableSchema[] existing = [Table("data", ("_sdc_received_at", ColumnType.Timestamp), ("_sdc_sequence", ColumnType.BigInt), ("__sdc_primary_key", ColumnType.Text))];

        var plan = Plan(null, existing, """{"a":1}""");

        Assert.Equal(
            [
                new AddColumn("data", new ColumnSpec("_sdc_batched_at", ColumnType.Timestamp)),
                new AddColumn("data", new ColumnSpec("_sdc_table_version", ColumnType.BigInt)),
                new AddColumn("data", new ColumnSpec("a", ColumnType.BigInt)),
            ],
            plan.SchemaChanges);
    }
}
