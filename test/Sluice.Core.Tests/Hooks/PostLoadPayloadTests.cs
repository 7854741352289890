using System.Text.Json;
using Sluice.Core.Hooks;
using Sluice.Core.Loading;

namespace Sluice.Core.Tests.Hooks;

public class PostLoadPayloadTests
{
    private static readonly DateTime BatchedAt = new(2019, 7, 15, 14, 45, 8, 26, DateTimeKind.Utc);
    private static readonly DateTime Received = new(2019, 7, 15, 14, 43, 9, 30, DateTimeKind.Utc);

    private static LoadSummary Load(params TableLoadStats[] tables) =>
        new(Guid.NewGuid(), 7, "shop_events", BatchedAt, 100, 200, Received, tables);

    [Fact]
    public void FromLoad_RootWithSubtables_OnePayloadWithRootFirst()
    {
        var load = Load(
            new TableLoadStats("data__items", "items", "data", 4, 0, 101, 150, Received),
            new TableLoadStats("data", "data", "data", 2, 1, 101, 150, Received));

        var payload = Assert.Single(PostLoadPayload.FromLoad(load));

        Assert.Equal("1.0", payload.Version);
        Assert.Equal("shop_events", payload.IntegrationName);
        Assert.Equal("2019-07-15T14:45:08.026Z", payload.MinimumSdcBatchedAt);
        Assert.False(payload.NewVersion);
        Assert.Equal(0, payload.TableVersion);
        Assert.Equal("data", payload.SourceRootTableName);
        Assert.Equal("data", payload.DestinationRootTableName);
        Assert.Equal(["data", "data__items"], payload.Tables.Select(t => t.DestinationTableName));
        Assert.Equal(["data", "items"], payload.Tables.Select(t => t.SourceTableName));
        var root = payload.Tables[0];
        Assert.Equal(2, root.NumRows);
        Assert.Equal(1, root.NumRowsRejected);
        Assert.Equal("2019-07-15T14:43:09.030Z", root.MaxTimeExtracted);
        var bookmark = Assert.Single(root.BookmarkMetadata!);
        Assert.Equal(("_sdc_sequence", "101", "150"), (bookmark.Key, bookmark.MinValue, bookmark.MaxValue));
    }

    [Fact]
    public void FromLoad_EveryRowRejected_BookmarkIsNullAndRowsZero()
    {
        var load = Load(new TableLoadStats("data", "data", "data", 0, 3, null, null, null));

        var table = Assert.Single(Assert.Single(PostLoadPayload.FromLoad(load)).Tables);

        Assert.Equal(0, table.NumRows);
        Assert.Equal(3, table.NumRowsRejected);
        Assert.Null(table.BookmarkMetadata);
        Assert.Equal("2019-07-15T14:43:09.030Z", table.MaxTimeExtracted);
    }

    [Fact]
    public void FromLoad_TwoRootTables_OnePayloadEach()
    {
        var load = Load(
            new TableLoadStats("events", "events", "events", 1, 0, 1, 1, Received),
            new TableLoadStats("events__category", "category", "events", 2, 0, 1, 1, Received),
            new TableLoadStats("data", "data", "data", 5, 0, 2, 9, Received));

        var payloads = PostLoadPayload.FromLoad(load);

        Assert.Equal(["events", "data"], payloads.Select(p => p.DestinationRootTableName));
        Assert.Equal(2, payloads[0].Tables.Count);
    }

    [Fact]
    public void FromLoad_TableWithNothingLoadedOrRejected_IsLeftOut()
    {
        var load = Load(
            new TableLoadStats("data", "data", "data", 1, 0, 1, 1, Received),
            new TableLoadStats("data__items", "items", "data", 0, 0, null, null, null));

        Assert.Equal(["data"], Assert.Single(PostLoadPayload.FromLoad(load)).Tables.Select(t => t.DestinationTableName));
    }

    [Fact]
    public void Serialize_UsesTheDocumentedFieldNames()
    {
        var payload = Assert.Single(PostLoadPayload.FromLoad(Load(new TableLoadStats("data", "data", "data", 0, 1, null, null, null))));

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(payload));

        Assert.Equal(
            ["version", "minimum_sdc_batched_at", "integration_name", "new_version", "source_root_table_name", "destination_root_table_name", "table_version", "tables"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["source_table_name", "destination_table_name", "num_rows", "num_rows_rejected", "max_time_extracted", "bookmark_metadata"],
            json.RootElement.GetProperty("tables")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("tables")[0].GetProperty("bookmark_metadata").ValueKind);
        Assert.Equal(JsonValueKind.String, json.RootElement.GetProperty("version").ValueKind);
    }
}
