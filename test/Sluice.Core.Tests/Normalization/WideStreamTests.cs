using Sluice.Core.Buffering;
using Sluice.Core.Normalization;
using Sluice.Core.Tables;

namespace Sluice.Core.Tests.Normalization;

/// <summary>A stream of 50 event types with 40 fields each (2,000 fields) into one table, batch after batch.</summary>
public sealed class WideStreamTests
{
    private static string Event(int n)
    {
        var type = n % 50;
        var fields = Enumerable.Range(0, 30).Select(f => $"\"t{type}_f{f}\":{Value(f, n)}");
        var detail = Enumerable.Range(30, 10).Select(f => $"\"t{type}_f{f}\":{Value(f, n)}");
        return $"{{\"id\":\"evt_{n}\",\"type\":\"evt_type_{type}\",{string.Join(",", fields)},\"detail\":{{{string.Join(",", detail)}}}}}";
    }

    private static string Value(int field, int n) => (field % 4) switch
    {
        0 => $"\"v{n}\"",
        1 => $"{n * 31 + field}",
        2 => $"{n % 100}.5",
        _ => n % 2 == 0 ? "true" : "false",
    };

    [Fact]
    public void Plan_WideStreamInBatches_NoRecordRejectedAndLateFieldsInOverflow()
    {
        IReadOnlyList<TableSchema> tables = [];
        for (var batch = 0; batch < 4; batch++)
        {
            var records = Enumerable.Range(batch * 100, 100)
                .Select(n => new BufferedRecord(Planning.SourceId, Planning.FirstSequence + n, Planning.FirstReceivedAt, Event(n)))
                .ToArray();
            var plan = Planning.Plan(null, tables, records);

            Assert.Empty(plan.Rejections.Select(r => r.Reason));
            Assert.Equal(100, plan.FindStats("data")!.RowsLoaded);

            // Type 49's fields come last: each in the row's overflow under its own key, in every batch.
            var write = plan.FindWrite("data")!;
            var overflow = write.Columns.Select(c => c.Name).ToList().IndexOf(ColumnNamer.OverflowColumn);
            var row = write.Rows.Single(r => r.Contains($"evt_{(batch * 100) + 49}"));
            var json = System.Text.Json.JsonDocument.Parse((string)row[overflow]!).RootElement;
            Assert.Equal((((batch * 100) + 49) * 31) + 1, json.GetProperty("t49_f1").GetInt64());
            Assert.Equal("v" + ((batch * 100) + 49), json.GetProperty("detail.t49_f32").GetString());
            tables = plan.TablesAfter(tables);
        }

        var data = Assert.Single(tables);
        Assert.Equal(ColumnNamer.OverflowAt + 1, data.Columns.Count);
        Assert.Contains(data.Columns, c => c.Name == ColumnNamer.OverflowColumn);
    }

    [Fact]
    public void Plan_ManyFieldsThenOtherOrdersAndEscapedNames_EachFieldInItsOwnColumn()
    {
        // 40 fields first (a scope that large looks names up by index), then the same fields backwards, a field spelled
        // with a JSON escape ("\u0069d" is "id"), and a record naming one field twice, once escaped.
        var wide = "{" + string.Join(",", Enumerable.Range(0, 40).Select(f => $"\"f{f}\":{f}")) + ",\"id\":\"first\"}";
        var backwards = "{\"id\":\"second\"," + string.Join(",", Enumerable.Range(0, 40).Reverse().Select(f => $"\"f{f}\":{f * 10}")) + "}";
        const string escaped = """{"\u0069d":"third","f3":"text","f39":39}""";
        const string twice = """{"id":"fourth","\u0069d":"again"}""";

        var plan = Planning.Plan(null, wide, backwards, escaped, twice);

        var rows = plan.RowsOf("data");
        Assert.Equal(["first", "second", "third"], rows.Select(r => (string)r["id"]!).ToArray());
        Assert.Equal(390L, rows[1]["f39"]);
        Assert.Equal("text", rows[2]["f3__st"]);
        Assert.Equal(39L, rows[2]["f39"]);
        var rejected = Assert.Single(plan.Rejections);
        Assert.Contains("id", rejected.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.TableAfter("data").ColumnNames(), c => c.Contains("0069", StringComparison.Ordinal));
    }
}
