using Sluice.Core.Tables;
using static Sluice.Core.Tests.Normalization.Planning;

namespace Sluice.Core.Tests.Normalization;

public class FlatteningTests
{
    [Fact]
    public void Plan_FlatRecord_CreatesDataWithSystemColumnsThenFieldsInFirstSeenOrder()
    {
        var plan = Plan(null, """{"id":1,"event":"open","value":2.5}""");

        var table = plan.TableAfter("data");
        Assert.Equal(
            ["_sdc_received_at", "_sdc_batched_at", "_sdc_sequence", "_sdc_table_version", "__sdc_primary_key", "id", "event", "value"],
            table.ColumnNames());
        Assert.Equal(
            [ColumnType.Timestamp, ColumnType.Timestamp, ColumnType.BigInt, ColumnType.BigInt, ColumnType.Text, ColumnType.BigInt, ColumnType.Text, ColumnType.Double],
            table.Columns.Select(c => c.Type));
        Assert.Empty(table.PrimaryKey);
    }

    [Fact]
    public void Plan_Record_FillsSystemColumnsFromTheBufferAndTheBatch()
    {
        var plan = Plan(null, """{"a":1}""", """{"a":2}""");

        var rows = plan.RowsOf("data");
        Assert.Equal(2, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(FirstReceivedAt.AddSeconds(i).UtcDateTime, rows[i]["_sdc_received_at"]);
            Assert.Equal(DateTimeKind.Utc, ((DateTime)rows[i]["_sdc_received_at"]!).Kind);
            Assert.Equal(BatchedAt, rows[i]["_sdc_batched_at"]);
            Assert.Equal(FirstSequence + i, rows[i]["_sdc_sequence"]);
            Assert.Equal(0L, rows[i]["_sdc_table_version"]);
        }
    }

    [Fact]
    public void Plan_NestedObjects_FlattenWithDoubleUnderscoresRecursively()
    {
        var plan = Plan(null, """{"attributes":{"color":"red","size":{"w":3,"h":4}},"geo_ip":{"city":"Lyon"}}""");

        var row = Assert.Single(plan.RowsOf("data"));
        Assert.Equal("red", row["attributes__color"]);
        Assert.Equal(3L, row["attributes__size__w"]);
        Assert.Equal(4L, row["attributes__size__h"]);
        Assert.Equal("Lyon", row["geo_ip__city"]);
        Assert.DoesNotContain("attributes", plan.TableAfter("data").ColumnNames());
        Assert.Single(plan.Writes);
    }

    [Fact]
    public void Plan_NullsEmptyObjectsAndEmptyArrays_CreateNoColumnsAndNoTables()
    {
        var plan = Plan(null, """{"id":1,"gone":null,"empty":{},"none":[],"obj":{"inner":null}}""", """{"id":2,"gone":null}""");

        Assert.Equal(["__sdc_primary_key", "id"], plan.TableAfter("data").ColumnNames().Where(c => !c.StartsWith("_sdc", StringComparison.Ordinal)));
        Assert.Single(plan.Writes);
        Assert.Equal(["data"], plan.Tables.Select(t => t.Table));
    }

    [Fact]
    public void Plan_ColumnNullInSomeRecords_IsCreatedAndNullWhereAbsent()
    {
        var plan = Plan(null, """{"a":1}""", """{"a":null,"b":"x"}""");

        var rows = plan.RowsOf("data");
        Assert.Equal(1L, rows[0]["a"]);
        Assert.Null(rows[0]["b"]);
        Assert.Null(rows[1]["a"]);
        Assert.Equal("x", rows[1]["b"]);
    }

    [Theory]
    [InlineData("42", ColumnType.BigInt, 42L)]
    [InlineData("-9223372036854775808", ColumnType.BigInt, long.MinValue)]
    [InlineData("9223372036854775807", ColumnType.BigInt, long.MaxValue)]
    [InlineData("9223372036854775808", ColumnType.Double, 9223372036854775808d)]
    [InlineData("2.5", ColumnType.Double, 2.5)]
    [InlineData("1.0", ColumnType.Double, 1.0)]
    [InlineData("1e3", ColumnType.Double, 1000.0)]
    [InlineData("\"1.00\"", ColumnType.Text, "1.00")]
    [InlineData("\"2026-11-23T18:00:00Z\"", ColumnType.Text, "2026-11-23T18:00:00Z")]
    [InlineData("true", ColumnType.Boolean, true)]
    [InlineData("false", ColumnType.Boolean, false)]
    public void Plan_JsonValue_TypesTheColumnFromTheJsonTypeOnly(string json, ColumnType type, object expected)
    {
        var plan = Plan(null, $$"""{"v":{{json}}}""");

        Assert.Equal(type, plan.TableAfter("data").Find("v")!.Type);
        Assert.Equal(expected, Assert.Single(plan.RowsOf("data"))["v"]);
    }

    [Fact]
    public void Plan_NumberBeyondDoubleRange_RejectsTheRecordAndLoadsTheRest()
    {
        var plan = Plan(null, """{"v":1e400}""", """{"v":1}""");

        var rejected = Assert.Single(plan.Rejections);
        Assert.Equal("decimal out of range for PostgreSQL on v", rejected.Reason);
        Assert.Equal("""{"v":1e400}""", rejected.Record);
        Assert.Equal(1L, Assert.Single(plan.RowsOf("data"))["v"]);
    }

    [Fact]
    public void Plan_RepeatedAndEscapedTextValues_LoadExactlyAsPostedWhateverCameBefore()
    {
        // Repeated values of a field share one string; escaped and plain spellings of one text are the same value, a NUL
        // still rejects its record when the same text came before, and a field of ever-new values loads them all.
        var records = new List<string>
        {
            """{"s":"a\u00e9","n":"x"}""", """{"s":"aé","n":"x"}""", """{"s":"a\u0000b"}""", """{"s":"a\u0000b"}""", """{"s":"A\u00e9"}""",
        };
        records.AddRange(Enumerable.Range(0, 700).Select(i => $$"""{"s":"v{{i % 9}}","n":"id-{{i}}"}"""));
        records.Add("""{"s":"v3","n":"id-3"}""");

        var plan = Plan(null, records.ToArray());

        string?[] expected = ["aé", "aé", "Aé", .. Enumerable.Range(0, 700).Select(i => $"v{i % 9}"), "v3"];
        Assert.Equal(expected, plan.RowsOf("data").Select(r => (string?)r["s"]));
        string?[] ids = ["x", "x", null, .. Enumerable.Range(0, 700).Select(i => $"id-{i}"), "id-3"];
        Assert.Equal(ids, plan.RowsOf("data").Select(r => (string?)r["n"]));
        Assert.Equal(2, plan.Rejections.Count);
        Assert.All(plan.Rejections, r => Assert.Contains("s", r.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_StringWithNulCharacter_RejectsTheRecordBecausePostgreSqlTextCannotHoldIt()
    {
        var plan = Plan(null, """{"note":"a\u0000b"}""");

        var rejected = Assert.Single(plan.Rejections);
        Assert.Contains("NUL character", rejected.Reason, StringComparison.Ordinal);
        Assert.EndsWith("on note", rejected.Reason, StringComparison.Ordinal);
        Assert.Empty(plan.RowsOf("data"));
    }

    [Fact]
    public void Plan_LoneSurrogateEscape_RejectsTheRecordAsInvalidUnicode()
    {
        var plan = Plan(null, """{"note":"\ud800"}""", """{"note":"ok"}""");

        var rejected = Assert.Single(plan.Rejections);
        Assert.StartsWith("Record contains text that is not valid Unicode", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal("ok", Assert.Single(plan.RowsOf("data"))["note"]);
    }

    [Theory]
    [InlineData("[1,2]", "Record is not a JSON object")]
    [InlineData("\"text\"", "Record is not a JSON object")]
    [InlineData("{\"a\":", "Record is not valid JSON")]
    public void Plan_RecordThatIsNotAnObject_IsRejectedNotThrown(string json, string reasonStart)
    {
        var plan = Plan(null, json, """{"a":1}""");

        var rejected = Assert.Single(plan.Rejections);
        Assert.StartsWith(reasonStart, rejected.Reason, StringComparison.Ordinal);
        Assert.Equal("data", rejected.TableName);
        Assert.Single(plan.RowsOf("data"));
    }
}
