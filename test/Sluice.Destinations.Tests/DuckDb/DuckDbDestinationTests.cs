using DuckDB.NET.Data;
using Sluice.Core.Tables;
using Sluice.Core.Loading;
using Sluice.Destinations.DuckDb;
using static Sluice.Destinations.Tests.LoadBuilder;

namespace Sluice.Destinations.Tests.DuckDb;

/// <summary>The destination contract on a DuckDB file in a temp directory, plus what only DuckDB has: query lock-down.</summary>
public sealed class DuckDbDestinationTests : DestinationContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sluice-duckdb-" + Guid.NewGuid().ToString("N")[..12]);

    private string AccountFile => Path.Combine(_directory, "warehouse", "1.duckdb");

    protected override Task<IDestination> OpenFreshAsync() => Task.FromResult<IDestination>(new DuckDbDestination(AccountFile));

    protected override async Task<IDestination> ReopenAsync(IDestination current)
    {
        await current.DisposeAsync();
        return new DuckDbDestination(AccountFile);
    }

    protected override string SlowQuery => "SELECT count(*) FROM range(10000000000) a, range(1000) b";

    protected override Task<IDestination> OpenWithQueryTimeoutAsync(TimeSpan timeout) =>
        Task.FromResult<IDestination>(new DuckDbDestination(AccountFile, new DuckDbDestinationOptions { QueryTimeout = timeout }));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("SELECT * FROM read_text('/etc/passwd')")]
    [InlineData("SELECT * FROM read_csv('/etc/passwd')")]
    [InlineData("SELECT * FROM read_json_auto('/etc/os-release')")]
    [InlineData("SELECT * FROM glob('/etc/*')")]
    [InlineData("SELECT * FROM '/etc/passwd'")]
    public async Task Query_FileAccess_IsRefused(string sql)
    {
        await CommitAsync(new LoadBuilder("shop").Create("data", WithSystem()).Append("data", WithSystem(), Row(1)));

        var result = await Queryable.QueryAsync(sql, 10, default);

        Assert.False(result.Succeeded);
        Assert.DoesNotContain("root:", string.Join(",", result.Rows.SelectMany(r => r)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_AttachOfAnotherAccountsFile_IsRefused()
    {
        var other = Path.Combine(_directory, "warehouse", "2.duckdb");
        await using (var second = new DuckDbDestination(other))
        {
            await second.CommitLoadAsync(new LoadBuilder("secret").Create("data", WithSystem()).Append("data", WithSystem(), Row(1)).Build(), default);
        }

        await CommitAsync(new LoadBuilder("shop").Create("data", WithSystem()).Append("data", WithSystem(), Row(1)));

        foreach (var sql in new[] { $"ATTACH '{other}' AS other", $"SELECT * FROM '{other}'", "SELECT * FROM other.secret.data" })
        {
            var result = await Queryable.QueryAsync(sql, 10, default);
            Assert.False(result.Succeeded, sql);
        }

        var attach = await Queryable.QueryAsync($"ATTACH '{other}' AS other", 10, default);
        Assert.Contains("ATTACH", attach.Error, StringComparison.Ordinal);
        await AssertRowsAsync("SELECT database_name FROM duckdb_databases() WHERE NOT internal ORDER BY 1", [["1"]]);
    }

    [Theory]
    [InlineData("SET enable_external_access = true")]
    [InlineData("SET lock_configuration = false")]
    [InlineData("RESET lock_configuration")]
    [InlineData("PRAGMA enable_checkpoint_on_shutdown")]
    [InlineData("CALL pragma_version()")]
    [InlineData("INSTALL httpfs")]
    [InlineData("LOAD httpfs")]
    [InlineData("CHECKPOINT")]
    [InlineData("EXPORT DATABASE '/tmp/sluice-export'")]
    [InlineData("DETACH \"1\"")]
    public async Task Query_ConfigurationAndEngineStatements_AreRefusedAndTheLockHolds(string sql)
    {
        await CommitAsync(new LoadBuilder("shop").Create("data", WithSystem()).Append("data", WithSystem(), Row(1)));

        var result = await Queryable.QueryAsync(sql, 10, default);

        Assert.False(result.Succeeded);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        await AssertRowsAsync(
            "SELECT current_setting('enable_external_access'), current_setting('lock_configuration')", [[false, true]]);
        Assert.False((await Queryable.QueryAsync("SELECT * FROM read_text('/etc/hostname')", 10, default)).Succeeded);
    }

    [Fact]
    public async Task Query_MultipleStatements_SaysOnlyOneMayRun()
    {
        var result = await Queryable.QueryAsync("SELECT 1; SELECT 2", 10, default);

        Assert.Equal("Only one statement may run per query; this query has 2.", result.Error);
    }

    [Fact]
    public async Task Reopen_AfterDispose_LocksTheNewInstanceToo()
    {
        await CommitAsync(new LoadBuilder("shop").Create("data", WithSystem()).Append("data", WithSystem(), Row(1)));
        var reopened = await ReopenAsync(Destination);
        await using (reopened)
        {
            var result = await ((IQueryableDestination)reopened).QueryAsync("SELECT current_setting('enable_external_access'), current_setting('lock_configuration')", 1, default);
            Assert.Equal([[false, true]], result.Rows);
        }
    }

    [Fact]
    public async Task CommitLoad_Subtable_HasNoKeyConstraintYetUpsertsKeepOneRowPerElement()
    {
        ColumnSpec[] items = [new("_sdc_source_key_id", ColumnType.BigInt), new("_sdc_level_0_id", ColumnType.BigInt), .. SystemColumns, new("sku", ColumnType.Text)];
        KeyValuePair<string, string>[] parent = [new("_sdc_source_key_id", "id")];
        string[] itemsKey = ["_sdc_source_key_id", "_sdc_level_0_id"];
        ColumnSpec id = new("id", ColumnType.BigInt);
        await CommitAsync(new LoadBuilder("orders")
            .Create("data", WithSystem(id), "id").Create("data__items", items, itemsKey)
            .Upsert("data", ["id"], WithSystem(id), Row(1, 1L))
            .UpsertSubtable("data__items", "data", itemsKey, parent, items, [1L, 0L, .. Row(1, "a")], [1L, 1L, .. Row(1, "b")]));
        await CommitAsync(new LoadBuilder("orders")
            .Upsert("data", ["id"], WithSystem(id), Row(2, 1L))
            .UpsertSubtable("data__items", "data", itemsKey, parent, items, [1L, 0L, .. Row(2, "c")], [1L, 1L, .. Row(2, "d")]));

        await AssertRowsAsync(
            "SELECT table_name, constraint_type FROM duckdb_constraints() WHERE schema_name = 'orders' AND constraint_type = 'PRIMARY KEY' ORDER BY 1",
            [["data", "PRIMARY KEY"]]);
        await AssertRowsAsync("SELECT _sdc_level_0_id, sku FROM orders.data__items ORDER BY 1", [[0L, "c"], [1L, "d"]]);
        Assert.Empty(Assert.Single(await Destination.GetTablesAsync("orders", default), t => t.Name == "data__items").PrimaryKey);
    }

    [Fact]
    public async Task Open_DefaultOptions_CheckpointsEvery64MegabytesOfWal()
    {
        await CommitAsync(new LoadBuilder("shop").Create("data", WithSystem()).Append("data", WithSystem(), Row(1)));

        await AssertRowsAsync("SELECT current_setting('checkpoint_threshold')", [["64.0 MiB"]]);
    }

    [Fact]
    public async Task AutoMemoryLimit_GrowsBeforeTheLoadThatWidensATableAndHoldsAfterReopen()
    {
        var path = Path.Combine(_directory, "warehouse", "auto.duckdb");
        var options = new DuckDbDestinationOptions { MemoryLimit = DuckDbDestinationOptions.AutoMemoryLimit };
        ColumnSpec[] narrow = WithSystem(new ColumnSpec("email", ColumnType.Text));
        ColumnSpec[] wide = WithSystem([.. Enumerable.Range(0, 300).Select(i => new ColumnSpec($"custom_{i}", ColumnType.BigInt))]);
        var widest = wide.Length;

        var destination = new DuckDbDestination(path, options);
        await using (destination)
        {
            await destination.CommitLoadAsync(new LoadBuilder("events").Create("data", narrow).Append("data", narrow, Row(1, "a@example.com")).Build(), default);
            Assert.Equal([["128.0 MiB"]], (await destination.QueryAsync("SELECT current_setting('memory_limit')", 1, default)).Rows);

            // A load that makes a table of 300 more columns: the file is reopened with a larger limit first (room for twice
            // that width, so that a table widening load by load does not reopen it every time), and the row lands.
            var row = Row(2, [.. Enumerable.Range(0, 300).Select(i => (object?)(long)i)]);
            await destination.CommitLoadAsync(new LoadBuilder("custom").Create("data", wide).Append("data", wide, row).Build(), default);
            var expected = $"{DuckDbMemory.LimitFor(widest * 2) / (1024 * 1024)}.0 MiB";
            Assert.Equal([[expected]], (await destination.QueryAsync("SELECT current_setting('memory_limit')", 1, default)).Rows);
            Assert.Equal([[299L]], (await destination.QueryAsync("SELECT custom_299 FROM custom.data", 1, default)).Rows);
            Assert.Equal([[1L]], (await destination.QueryAsync("SELECT count(*) FROM events.data", 1, default)).Rows);
        }

        // Opened again, the file's widest table sizes the limit at once.
        var reopened = new DuckDbDestination(path, options);
        await using (reopened)
        {
            var expected = $"{DuckDbMemory.LimitFor(widest) / (1024 * 1024)}.0 MiB";
            Assert.Equal([[expected]], (await reopened.QueryAsync("SELECT current_setting('memory_limit')", 1, default)).Rows);
        }

        Assert.Equal(128L * 1024 * 1024, DuckDbMemory.LimitFor(20));
        Assert.Equal(2112L * 1024 * 1024, DuckDbMemory.LimitFor(1601));
    }

    [Fact]
    public async Task AutoMemoryLimit_ReopenWhileAQueryHoldsTheFile_KeepsTheOldLimitThenGrowsAtTheNextLoad()
    {
        var path = Path.Combine(_directory, "warehouse", "held.duckdb");
        var options = new DuckDbDestinationOptions { MemoryLimit = DuckDbDestinationOptions.AutoMemoryLimit };
        ColumnSpec[] narrow = WithSystem(new ColumnSpec("email", ColumnType.Text));
        ColumnSpec[] wide = WithSystem([.. Enumerable.Range(0, 80).Select(i => new ColumnSpec($"custom_{i}", ColumnType.BigInt))]);
        object?[] Wide(int sequence) => Row(sequence, [.. Enumerable.Range(0, 80).Select(i => (object?)(long)i)]);
        var larger = $"{DuckDbMemory.LimitFor(wide.Length * 2) / (1024 * 1024)}.0 MiB";

        await using var destination = new DuckDbDestination(path, options);
        await destination.CommitLoadAsync(new LoadBuilder("events").Create("data", narrow).Append("data", narrow, Row(1, "a@example.com")).Build(), default);

        // Another connection in this process (a long query, say) holds the database instance while the writer reopens for a
        // wider load: the writer joins the instance as it is, and the load lands with the old limit.
        using (var held = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = path }.ConnectionString))
        {
            held.Open();
            await destination.CommitLoadAsync(new LoadBuilder("custom").Create("data", wide).Append("data", wide, Wide(2)).Build(), default);
            Assert.Equal([["128.0 MiB"]], (await destination.QueryAsync("SELECT current_setting('memory_limit')", 1, default)).Rows);
        }

        // Once nothing holds it, the next load of that width reopens the file with the larger limit.
        await destination.CommitLoadAsync(new LoadBuilder("custom").Append("data", wide, Wide(3)).Build(), default);
        Assert.Equal([[larger]], (await destination.QueryAsync("SELECT current_setting('memory_limit')", 1, default)).Rows);
        Assert.Equal([[2L]], (await destination.QueryAsync("SELECT count(*) FROM custom.data", 1, default)).Rows);
    }

    [Fact]
    public async Task AutoMemoryLimit_CountsEveryTableALoadWrites_NotOnlyTheWidest()
    {
        // A GitHub source's first load makes a table per event type: 40 tables of 30 columns hold blocks for 1,200+ columns
        // in one transaction, though none is wide.
        var path = Path.Combine(_directory, "warehouse", "many.duckdb");
        var options = new DuckDbDestinationOptions { MemoryLimit = DuckDbDestinationOptions.AutoMemoryLimit };
        ColumnSpec[] columns = WithSystem([.. Enumerable.Range(0, 30).Select(i => new ColumnSpec($"field_{i}", ColumnType.Text))]);
        var builder = new LoadBuilder("github");
        for (var table = 0; table < 40; table++)
        {
            builder.Create($"event_{table}", columns).Append($"event_{table}", columns, Row(table, [.. Enumerable.Range(0, 30).Select(i => (object?)$"v{i}")]));
        }

        await using var destination = new DuckDbDestination(path, options);
        await destination.CommitLoadAsync(builder.Build(), default);

        var limit = DuckDbMemory.LimitFor(40 * columns.Length * 2);
        Assert.True(limit > DuckDbMemory.LimitFor(columns.Length), "the sum needs more than the widest table");
        var setting = (string)(await destination.QueryAsync("SELECT current_setting('memory_limit')", 1, default)).Rows[0][0]!;
        Assert.Equal(limit / (1024 * 1024), ParseMiB(setting), tolerance: 64);
        Assert.Equal([[40L]], (await destination.QueryAsync("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'github' AND table_name LIKE 'event_%'", 1, default)).Rows);
        Assert.Equal([["v29"]], (await destination.QueryAsync("SELECT field_29 FROM github.event_39", 1, default)).Rows);
        Assert.Equal(DuckDbMemory.Cap, DuckDbMemory.LimitFor(100_000));

        // DuckDB spells limits of 1 GiB and more in GiB with one decimal.
        static double ParseMiB(string setting) => setting.EndsWith(" GiB", StringComparison.Ordinal)
            ? double.Parse(setting[..^4], System.Globalization.CultureInfo.InvariantCulture) * 1024
            : double.Parse(setting[..^4], System.Globalization.CultureInfo.InvariantCulture);
    }
}
