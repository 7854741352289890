using Sluice.Core.Loading;
using Sluice.Destinations.Postgres;
using Sluice.Testing;
using static Sluice.Destinations.Tests.LoadBuilder;

namespace Sluice.Destinations.Tests.Postgres;

/// <summary>The destination contract on a real PostgreSQL server (a fresh database per test), plus failure classification.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresDestinationTests : DestinationContractTests
{
    private readonly PostgresServer _server;
    private string _database = string.Empty;

    public PostgresDestinationTests(PostgresServer server)
    {
        _server = server;
    }

    private PostgresConnectionSettings Settings(string? database = null, int? port = null, string? username = null, string? password = null) =>
        new(_server.Host, port ?? _server.Port, username ?? _server.Username, password ?? _server.Password, database ?? _database, "disable");

    protected override async Task<IDestination> OpenFreshAsync()
    {
        _database = await _server.CreateDatabaseAsync();
        return new PostgresDestination(Settings());
    }

    protected override async Task<IDestination> ReopenAsync(IDestination current)
    {
        await current.DisposeAsync();
        return new PostgresDestination(Settings());
    }

    protected override string SlowQuery => "SELECT pg_sleep(30)";

    protected override Task<IDestination> OpenWithQueryTimeoutAsync(TimeSpan timeout) =>
        Task.FromResult<IDestination>(new PostgresDestination(Settings(), timeout));

    [Fact]
    public async Task CommitLoad_KeyedTable_HasConstraintNamedTablePkeyWithNotNullKeys()
    {
        await CommitAsync(new LoadBuilder("shop").Create("Orders", WithSystem(new Core.Tables.ColumnSpec("id", Core.Tables.ColumnType.BigInt)), "id"));

        await AssertRowsAsync(
            "SELECT c.conname, a.attnotnull FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) " +
            "WHERE c.conrelid = '\"shop\".\"Orders\"'::regclass AND c.contype = 'p'",
            [["Orders_pkey", true]]);
    }

    [Fact]
    public async Task CommitLoad_ServerUnreachable_ThrowsClassifiedErrorThenLoadsWhenBack()
    {
        await using var relay = new TcpRelay(_server.Host, _server.Port);
        relay.Start();
        await using var destination = new PostgresDestination(Settings(port: relay.Port));
        await destination.CommitLoadAsync(new LoadBuilder("shop").Create("data", WithSystem()).Append("data", WithSystem(), Row(1)).Build(), default);

        relay.Stop();
        var pending = new LoadBuilder("shop").Append("data", WithSystem(), Row(2)).Build();
        var down = await Assert.ThrowsAsync<DestinationException>(() => destination.CommitLoadAsync(pending, default));
        Assert.Equal(DestinationErrorKind.Unreachable, down.Kind);
        Assert.Contains($"127.0.0.1:{relay.Port}", down.Message, StringComparison.Ordinal);

        relay.Start();
        await destination.CommitLoadAsync(pending, default);
        Assert.Equal(2, await destination.GetCheckpointAsync(1, default));
        await AssertRowsAsync("SELECT _sdc_sequence FROM shop.data ORDER BY 1", [[1L], [2L]]);
    }

    [Fact]
    public async Task CommitLoad_WrongPort_SaysConnectionRefused()
    {
        await using var destination = new PostgresDestination(Settings(port: UnusedPort()));

        var error = await Assert.ThrowsAsync<DestinationException>(() => destination.CommitLoadAsync(new LoadBuilder("s").Build(), default));

        Assert.Equal(DestinationErrorKind.Unreachable, error.Kind);
        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnection_ReportsTheExactCause()
    {
        var ok = await PostgresDestination.TestConnectionAsync(Settings(), default);
        var password = await PostgresDestination.TestConnectionAsync(Settings(password: "wrong"), default);
        var database = await PostgresDestination.TestConnectionAsync(Settings(database: "no_such_db"), default);
        var port = await PostgresDestination.TestConnectionAsync(Settings(port: UnusedPort()), default);

        Assert.True(ok.Succeeded, ok.Message);
        Assert.Contains("PostgreSQL 15", ok.Message, StringComparison.Ordinal);
        Assert.Equal((false, DestinationErrorKind.Authentication), (password.Succeeded, password.Error));
        Assert.Contains("password authentication failed", password.Message, StringComparison.Ordinal);
        Assert.Equal((false, DestinationErrorKind.DatabaseMissing), (database.Succeeded, database.Error));
        Assert.Contains("no_such_db", database.Message, StringComparison.Ordinal);
        Assert.Equal((false, DestinationErrorKind.Unreachable), (port.Succeeded, port.Error));
    }

    [Fact]
    public async Task CommitLoad_UserWithoutCreateRights_SaysPermissionDenied()
    {
        var role = "limited_" + Guid.NewGuid().ToString("N")[..8];
        await _server.ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD 'limited'");
        await using var destination = new PostgresDestination(Settings(username: role, password: "limited"));

        var error = await Assert.ThrowsAsync<DestinationException>(() =>
            destination.CommitLoadAsync(new LoadBuilder("shop").Create("data", WithSystem()).Build(), default));

        Assert.Equal(DestinationErrorKind.PermissionDenied, error.Kind);
        Assert.Contains("permission denied", error.Message, StringComparison.Ordinal);
        Assert.Contains(role, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_ReadOnlyTransaction_RefusesWritesHiddenInFunctions()
    {
        await CommitAsync(new LoadBuilder("shop").Create("data", WithSystem()).Append("data", WithSystem(), Row(1)));
        await _server.ExecuteAsync(
            "CREATE FUNCTION public.sneaky() RETURNS bigint LANGUAGE sql AS 'DELETE FROM shop.data RETURNING 1'", _database);

        var result = await Queryable.QueryAsync("SELECT public.sneaky()", 10, default);

        Assert.False(result.Succeeded);
        Assert.Contains("read-only", result.Error, StringComparison.Ordinal);
        await AssertRowsAsync("SELECT count(*) FROM shop.data", [[1L]]);
    }

    private static int UnusedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
