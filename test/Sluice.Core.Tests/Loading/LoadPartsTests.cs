using Sluice.Core.Hooks;
using Sluice.Core.Loading;
using Sluice.Core.Tables;

namespace Sluice.Core.Tests.Loading;

/// <summary>Which parts may follow which in one load, and what a reload's summary tells its hooks.</summary>
public sealed class LoadPartsTests
{
    private static readonly DateTime BatchedAt = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);

    private static LoadRequest Part(long min, long max, IReadOnlyList<SchemaChange>? changes = null) =>
        new("s", 1, changes ?? [], [], [], max, new LoadSummary(Guid.NewGuid(), 1, "s", BatchedAt, min, max, BatchedAt, []));

    private static readonly CreateTable NewTable = new("push", [new ColumnSpec("ref", ColumnType.Text)], []);

    [Fact]
    public void CheckNext_SchemaChangeInALaterPartOfAnOrdinaryLoad_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => LoadParts.CheckNext(Part(1, 10), 10, Part(11, 20, [NewTable])));
        Assert.Contains("changes the schema", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckNext_SchemaChangeInALaterPartOfAReload_IsAllowed()
    {
        var first = Part(1, 10) with { Reload = new LoadReload(1, 1) };
        LoadParts.CheckNext(first, 10, Part(11, 20, [NewTable]));
    }

    [Fact]
    public void CheckNext_ALaterPartAskingForAReload_IsRefused()
    {
        var later = Part(11, 20) with { Reload = new LoadReload(1, 1) };
        var error = Assert.Throws<ArgumentException>(() => LoadParts.CheckNext(Part(1, 10), 10, later));
        Assert.Contains("asks for a reload", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Combine_ReloadParts_KeepNewVersionAndTableVersionForTheHooks()
    {
        var first = Part(1, 10).Summary with { Tables = [new TableLoadStats("issues", "issues", "issues", 5, 0, 1, 10, BatchedAt, 2, true)] };
        var second = Part(11, 20).Summary with { Tables = [new TableLoadStats("issues", "issues", "issues", 3, 1, 11, 20, BatchedAt, 2, true)] };

        var payload = Assert.Single(PostLoadPayload.FromLoad(LoadSummary.Combine([first, second])));

        Assert.True(payload.NewVersion);
        Assert.Equal(2L, payload.TableVersion);
        Assert.Equal(8L, Assert.Single(payload.Tables).NumRows);
    }

    [Fact]
    public void LoadSummaryJson_StoredBeforeVersions_ReadsAsVersionZeroWithoutNewVersion()
    {
        var tables = LoadSummaryJson.Deserialize(
            """[{"table":"data","source_table_name":"data","root_table":"data","rows_loaded":1,"rows_rejected":0,"min_sequence":1,"max_sequence":1,"max_received_at":"2026-12-02T10:00:00"}]""");

        Assert.Equal((0L, false), (tables[0].TableVersion, tables[0].NewVersion));
        var roundTrip = LoadSummaryJson.Deserialize(LoadSummaryJson.Serialize([tables[0] with { TableVersion = 3, NewVersion = true }]));
        Assert.Equal((3L, true), (roundTrip[0].TableVersion, roundTrip[0].NewVersion));
    }
}
