using System.Text;
using Sluice.Core.Buffering;
using Sluice.Core.Normalization;
using static Sluice.Core.Tests.Normalization.Planning;

namespace Sluice.Core.Tests.Normalization;

public class LoadPlanTests
{
    [Fact]
    public void Plan_Batch_CheckpointsAtTheHighestSequenceIncludingRejectedRecords()
    {
        var plan = Plan("id", """{"id":1}""", """{"id":2}""", """{"no":"key"}""");

        Assert.Equal(FirstSequence + 2, plan.CheckpointSequence);
        var request = plan.ToLoadRequest();
        Assert.Equal(FirstSequence + 2, request.CheckpointSequence);
        Assert.Equal((Schema, SourceId), (request.Schema, request.SourceId));
        Assert.Same(plan.Writes, request.Writes);
        Assert.Same(plan.SchemaChanges, request.SchemaChanges);
        Assert.Same(plan.Rejections, request.Rejections);
    }

    [Fact]
    public void ToLoadRequest_Summary_CarriesTheLoadIdBatchTimesSequencesAndTableStats()
    {
        var plan = Plan(null, """{"a":1,"tags":["x","y"]}""", """{"a":2}""");

        var summary = plan.ToLoadRequest().Summary;
        Assert.Equal(Guid.Parse(GuidSequence.Nth(1)), summary.LoadId);
        Assert.Equal((SourceId, Schema, BatchedAt), (summary.SourceId, summary.Schema, summary.BatchedAt));
        Assert.Equal((FirstSequence, FirstSequence + 1), (summary.MinSequence, summary.MaxSequence));
        Assert.Equal(FirstReceivedAt.AddSeconds(1).UtcDateTime, summary.MaxReceivedAt);
        Assert.Equal(DateTimeKind.Utc, summary.MaxReceivedAt.Kind);
        var data = summary.Tables[0];
        Assert.Equal(("data", "data", "data", 2L, 0L), (data.Table, data.SourceTableName, data.RootTable, data.RowsLoaded, data.RowsRejected));
        Assert.Equal((FirstSequence, FirstSequence + 1), (data.MinSequence, data.MaxSequence));
        Assert.Equal(FirstReceivedAt.AddSeconds(1).UtcDateTime, data.MaxReceivedAt);
        var tags = summary.Tables[1];
        Assert.Equal(("data__tags", "tags", 2L), (tags.Table, tags.SourceTableName, tags.RowsLoaded));
        Assert.Equal((FirstSequence, FirstSequence), (tags.MinSequence, tags.MaxSequence));
        Assert.Equal(FirstReceivedAt.UtcDateTime, tags.MaxReceivedAt);
    }

    [Fact]
    public void Plan_EveryRecordRejected_ReportsTheRootWithNoSequencesAndStillCheckpoints()
    {
        var plan = Plan("id", """{"x":1}""", """{"id":null}""");

        Assert.Empty(plan.Writes);
        Assert.Empty(plan.SchemaChanges);
        var data = Assert.Single(plan.Tables);
        Assert.Equal((0L, 2L), (data.RowsLoaded, data.RowsRejected));
        Assert.Null(data.MinSequence);
        Assert.Null(data.MaxSequence);
        Assert.Null(data.MaxReceivedAt);
        Assert.Equal(FirstSequence + 1, plan.CheckpointSequence);
    }

    [Fact]
    public void Plan_RecordsOutOfSequenceOrder_AreWrittenInSequenceOrder()
    {
        var records = Records("""{"n":1}""", """{"n":2}""", """{"n":3}""");

        var plan = Plan(null, [], [records[2], records[0], records[1]]);

        Assert.Equal([1L, 2L, 3L], plan.RowsOf("data").Select(r => r["n"]));
        Assert.Equal(FirstSequence + 2, plan.CheckpointSequence);
        Assert.Equal(FirstSequence, plan.Summary.MinSequence);
    }

    [Fact]
    public void Plan_RecordsAsUtf8Bytes_PlanLikeTheSameText()
    {
        string[] jsons =
        [
            """{"id":1,"na\u006De":"Zo\u00eb","tags":["a","b"],"o":{"x":1.5}}""",
            """{"id":2,"name":"Zoë","tags":[],"o":{"x":2}}""",
            """{"id":1,"ID":"Paul"}""",
            """{"id":3,"s":"\ud800"}""",
            """{"id":4,""",
        ];
        var text = Records(jsons);
        var bytes = text.Select(r => new BufferedRecord(r.SourceId, r.Sequence, r.ReceivedAt, (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(r.Json))).ToArray();

        var fromText = Plan("id", [], text);
        var fromBytes = Plan("id", [], bytes);

        Assert.Equal(fromText.Writes.Select(w => (w.Table, string.Join(",", w.Columns))), fromBytes.Writes.Select(w => (w.Table, string.Join(",", w.Columns))));
        Assert.Equal(fromText.Writes.SelectMany(w => w.Rows), fromBytes.Writes.SelectMany(w => w.Rows));
        Assert.Equal(fromText.Rejections.Select(r => (r.TableName, r.Reason, r.Record)), fromBytes.Rejections.Select(r => (r.TableName, r.Reason, r.Record)));
        Assert.Equal(2, fromBytes.Rejections.Count);
    }

    [Fact]
    public void Plan_BatchedAtWithUnspecifiedKind_IsTreatedAsUtc()
    {
        var unspecified = DateTime.SpecifyKind(BatchedAt, DateTimeKind.Unspecified);

        var plan = new LoadPlanner().Plan(new LoadContext(SourceId, Schema, null, Guid.NewGuid), Records("{}"), [], unspecified);

        Assert.Equal(DateTimeKind.Utc, plan.Summary.BatchedAt.Kind);
        Assert.Equal(BatchedAt, Assert.Single(plan.RowsOf("data"))["_sdc_batched_at"]);
    }

    [Fact]
    public void Plan_EmptyBatch_IsAProgrammingError()
    {
        Assert.Throws<ArgumentException>(() => new LoadPlanner().Plan(new LoadContext(SourceId, Schema, null, Guid.NewGuid), [], [], BatchedAt));
    }

    [Fact]
    public void Plan_HugeRejectedRecord_IsTruncatedTo64KiB()
    {
        var big = $$"""{"note":"\u0000{{new string('x', 100_000)}}"}""";

        var plan = Plan(null, big);

        var record = Assert.Single(plan.Rejections).Record;
        Assert.Equal(RejectedRecordText.MaxBytes, record.Length);
        Assert.StartsWith("{\"note\":\"\\u0000xxx", record, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("é", 2)]
    [InlineData("€", 3)]
    [InlineData("😀", 4)]
    public void Truncate_MultiByteText_NeverExceeds64KiBNorSplitsACharacter(string unit, int bytesPerUnit)
    {
        var text = string.Concat(Enumerable.Repeat(unit, (RejectedRecordText.MaxBytes / bytesPerUnit) + 10));

        var truncated = RejectedRecordText.Truncate(text);

        Assert.True(System.Text.Encoding.UTF8.GetByteCount(truncated) <= RejectedRecordText.MaxBytes);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(truncated) > RejectedRecordText.MaxBytes - bytesPerUnit);
        Assert.False(char.IsHighSurrogate(truncated[^1]));
    }

    [Fact]
    public void Plan_WritesAndStats_ListTheRootFirstThenSubtablesInFirstSeenOrder()
    {
        var plan = Plan(null, """{"b":[1]}""", """{"a":[{"c":[1]}],"b":[2]}""");

        Assert.Equal(["data", "data__b", "data__a", "data__a__c"], plan.Writes.Select(w => w.Table));
        Assert.Equal(["data", "data__b", "data__a", "data__a__c"], plan.Tables.Select(t => t.Table));
        Assert.Equal(["data", "data__b", "data__a", "data__a__c"], plan.SchemaChanges.Select(c => c.Table));
    }

    [Fact]
    public void Plan_ManyRecords_AllLandInOneWritePerTable()
    {
        var records = Enumerable.Range(0, 1000)
            .Select(i => new BufferedRecord(SourceId, FirstSequence + i, FirstReceivedAt, $$"""{"i":{{i}},"tags":["t{{i}}"]}"""))
            .ToArray();

        var plan = Plan(null, [], records);

        Assert.Equal(1000, plan.FindWrite("data")!.Rows.Count);
        Assert.Equal(1000, plan.FindWrite("data__tags")!.Rows.Count);
        Assert.Equal(1001, plan.RowsOf("data").Select(r => r["__sdc_primary_key"]).Append(plan.Summary.LoadId.ToString()).Distinct().Count());
    }
}

public class CompositeKeyPlanTests
{
    [Fact]
    public void Plan_CompositeKey_NewestPerAllFieldsWins_SubtablesCarryEverySourceKey()
    {
        var plan = Plan(
            "event:email:timestamp",
            """{"event":"open","email":"a@example.com","timestamp":1,"category":["x","y"]}""",
            """{"event":"open","email":"b@example.com","timestamp":1,"category":["z"]}""",
            """{"event":"open","email":"a@example.com","timestamp":1,"category":["w"],"resent":true}""",
            """{"event":"open","email":null,"timestamp":2}""");

        var root = plan.Writes.Single(w => w.Table == "data");
        Assert.Equal(["event", "email", "timestamp"], root.KeyColumns);
        Assert.Equal(2, root.Rows.Count); // a@ once (the resent record), b@ once
        var resent = root.Columns.ToList().FindIndex(c => c.Name == "resent");
        Assert.Single(root.Rows, r => r[resent] is true);
        var category = plan.Writes.Single(w => w.Table == "data__category");
        Assert.Equal(["_sdc_source_key_event", "_sdc_source_key_email", "_sdc_source_key_timestamp", "_sdc_level_0_id"], category.KeyColumns);
        Assert.Equal(
            [KeyValuePair.Create("_sdc_source_key_event", "event"), KeyValuePair.Create("_sdc_source_key_email", "email"), KeyValuePair.Create("_sdc_source_key_timestamp", "timestamp")],
            category.ParentKeyColumns);
        Assert.Equal(2, category.Rows.Count); // w (the resent a@) and z
        Assert.Equal("Primary key field email is missing or null", Assert.Single(plan.Rejections).Reason);
    }
}
