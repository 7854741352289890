using System.Net;
using Sluice.Testing;

namespace Sluice.Reliability.Tests.Isolation;

/// <summary>
/// Part 4 of issue 19, <c>POST /v4/query</c>: statements that would reach past the account's own tables (files, other
/// databases, extensions, settings, programs, another account's warehouse) are refused with an error that says what was
/// refused, and each leaves everything as it was: the account's rows, the warehouse's settings, the file system, and
/// bravo's and charlie's data.
/// </summary>
[Collection(TenantWorldCollection.Name)]
public sealed class QueryGuardTests(TenantWorld world)
{
    private static readonly string Canary = Path.Combine(Path.GetTempPath(), "sluice-query-escape-" + Guid.NewGuid().ToString("N"));

    /// <summary>DuckDB statements and a word the refusal must contain (case-insensitive) so the user knows what was refused.</summary>
    public static TheoryData<string, string> DuckDbEscapes(string bravoFile) => new()
    {
        { "SELECT * FROM read_csv('/etc/passwd')", "file" },
        { "SELECT * FROM read_csv_auto('/etc/passwd')", "file" },
        { "SELECT * FROM read_parquet('/etc/passwd')", "file" },
        { "SELECT * FROM read_json_auto('/etc/passwd')", "file" },
        { "SELECT * FROM read_text('/etc/passwd')", "file" },
        { "SELECT * FROM read_blob('/etc/passwd')", "file" },
        { "SELECT * FROM glob('/*')", "file" },
        { "SELECT * FROM '/etc/passwd'", "does not exist" },
        { "SELECT * FROM read_text('../../../../etc/passwd')", "file" },
        { "SELECT * FROM read_text('warehouse/../control.db')", "file" },
        { $"SELECT * FROM read_blob('{bravoFile}')", "file" },
        { $"SELECT * FROM '{bravoFile}'", "file" },
        { "SELECT * FROM read_csv('http://169.254.169.254/latest/meta-data/')", "file" },
        { $"COPY (SELECT 1) TO '{Canary}'", "file" },
        { $"COPY (SELECT 1) TO '{Canary}' (FORMAT parquet)", "file" },
        { "EXPORT DATABASE '/tmp/sluice-export'", "EXPORT" },
        { $"ATTACH '{bravoFile}' AS bravo", "ATTACH" },
        { $"ATTACH '{bravoFile}' AS bravo (READ_ONLY)", "ATTACH" },
        { $"ATTACH '{Canary}.duckdb' AS canary", "ATTACH" },
        { "DETACH DATABASE IF EXISTS bravo", "DETACH" },
        { "INSTALL httpfs", "this statement is INSTALL" },
        { "LOAD httpfs", "this statement is LOAD" },
        { "FORCE INSTALL httpfs FROM core_nightly", "this statement is FORCE INSTALL" },
        { "PRAGMA enable_external_access", "PRAGMA" },
        { "PRAGMA threads=1", "only read-only SELECT" },
        { "PRAGMA database_list", "PRAGMA" },
        { "SET enable_external_access = true", "SET" },
        { "SET GLOBAL lock_configuration = false", "SET" },
        { "RESET enable_external_access", "SET" },
        { "CALL pragma_version()", "CALL" },
        { "SELECT 1; SELECT 2", "one statement" },
        { "SELECT getenv('HOME')", "getenv" },
        { "SELECT * FROM query('SELECT * FROM read_text(''/etc/passwd'')')", "file" },
    };

    /// <summary>PostgreSQL statements (run as a superuser, the most a destination can be given) and a word the refusal must contain.</summary>
    public static TheoryData<string, string> PostgresEscapes(string otherDatabase) => new()
    {
        { "SELECT pg_read_file('/etc/passwd')", "pg_read_file" },
        { "SELECT pg_catalog.pg_read_file('/etc/passwd')", "pg_read_file" },
        { "SELECT \"pg_read_file\"('/etc/passwd')", "pg_read_file" },
        { "SELECT PG_READ_FILE('/etc/passwd')", "pg_read_file" },
        { "SELECT/**/pg_read_file('/etc/passwd')", "pg_read_file" },
        { "SELECT pg_read_binary_file('/etc/passwd')", "pg_read_binary_file" },
        { "SELECT * FROM pg_ls_dir('.')", "pg_ls_dir" },
        { "SELECT * FROM pg_stat_file('postgresql.conf')", "pg_stat_file" },
        { "EXPLAIN ANALYZE SELECT pg_read_file('/etc/passwd')", "pg_read_file" },
        { "SELECT query_to_xml('SELECT pg_read_file(''/etc/passwd'')', true, true, '')", "query_to_xml" },
        { $"COPY (SELECT 1) TO PROGRAM 'touch {Canary}'", "COPY" },
        { $"COPY (SELECT 1) TO '{Canary}'", "COPY" },
        { "COPY \"_sluice\".\"_sluice_loads\" FROM PROGRAM 'id'", "COPY" },
        { "SELECT dblink('dbname=postgres', 'SELECT 1')", "dblink" },
        { $"SELECT dblink_exec('dbname={otherDatabase}', 'CREATE TABLE pwned (x int)')", "dblink" },
        { "SELECT * FROM dblink('dbname=postgres', 'SELECT datname FROM pg_database') AS t(datname text)", "dblink" },
        { "SELECT lo_import('/etc/passwd')", "lo_import" },
        { $"SELECT lo_export(1, '{Canary}')", "lo_export" },
        { $"SELECT * FROM \"{otherDatabase}\".public.pwned", "database" },
        { "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()", "pg_terminate_backend" },
        { "SELECT pg_reload_conf()", "pg_reload_conf" },
        { "SELECT set_config('default_transaction_read_only', 'off', false)", "set_config" },
        { "SET search_path = public", "SET" },
        { "SET ROLE postgres", "SET" },
        { "RESET ALL", "RESET" },
        { "WITH gone AS (DELETE FROM \"_sluice\".\"_sluice_loads\" RETURNING 1) SELECT * FROM gone", "read-only" },
        { "SELECT * INTO pwned FROM \"_sluice\".\"_sluice_loads\"", "read-only" },
        { "SELECT 1; DROP SCHEMA \"_sluice\" CASCADE", "one statement" },
        { "CREATE EXTENSION IF NOT EXISTS file_fdw", "CREATE" },
        { "SELECT U&\"\\0070g_read_file\"('/etc/passwd')", "U&" },
    };

    [Fact]
    public async Task DuckDb_EscapesAreRefused_AndChangeNothing()
    {
        var account = await world.Server.CreateAccountAsync();
        var source = await world.Server.CreateSourceAsync(account.Api, "echoiso Shop", primaryKey: "id");
        await LoadAsync(account, source);
        var bravoFile = Path.Combine(world.Server.DataDir, "warehouse", world.Bravo.ClientId + ".duckdb");
        Assert.True(File.Exists(bravoFile), $"bravo's warehouse is not at {bravoFile}");

        await AssertRefusedAsync(account, source, DuckDbEscapes(bravoFile), "SELECT current_setting('enable_external_access'), current_setting('lock_configuration')");
    }

    [Fact]
    public async Task Postgres_EscapesAreRefused_AndChangeNothing()
    {
        var account = await world.Server.CreateAccountAsync();
        var database = await world.Postgres.CreateDatabaseAsync("sluice_query");
        var other = await world.Postgres.CreateDatabaseAsync("sluice_other");

        // What a superuser could reach if the guard let it: dblink installed, a table in another database.
        await world.Postgres.ExecuteAsync("CREATE EXTENSION dblink", database);
        await world.Postgres.ExecuteAsync("CREATE TABLE pwned (x int)", other);
        (await HttpCall.PostAsync(account.Api, "v4/destinations", new { type = "postgres", connection = world.PostgresConnection(database) })).AssertOk();
        var source = await world.Server.CreateSourceAsync(account.Api, "foxtrotiso Shop", primaryKey: "id");
        await LoadAsync(account, source);

        await AssertRefusedAsync(account, source, PostgresEscapes(other), "SELECT current_setting('default_transaction_read_only'), (SELECT count(*) FROM pg_largeobject_metadata)");

        // The refused names inside strings, comments and as column aliases are no calls: such a query still runs.
        var harmless = await HttpCall.PostAsync(account.Api, "v4/query", new
        {
            sql = $"SELECT 'pg_read_file(''/etc/passwd'')' AS lo_text, $$dblink($$ AS dblink_text, count(*) AS set_config /* lo_import( */ FROM {source.Name}.data",
        });
        Assert.Equal(3, harmless.AssertOk().Json.GetProperty("rows")[0][2].GetInt64());
        await using var connection = new Npgsql.NpgsqlConnection(world.Postgres.ConnectionString(other));
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", connection);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    private async Task AssertRefusedAsync(TestAccount account, TestSource source, TheoryData<string, string> escapes, string stateSql)
    {
        var victims = new List<SortedDictionary<string, string>>();
        foreach (var victim in world.Victims)
        {
            victims.Add(await world.SnapshotAsync(victim));
        }

        var before = await StateAsync(account, source, stateSql);
        var failures = new List<string>();
        foreach (var row in escapes)
        {
            var (sql, word) = ((string)row[0], (string)row[1]);
            var call = await HttpCall.PostAsync(account.Api, "v4/query", new { sql });
            var message = call.Status == HttpStatusCode.BadRequest ? call.Json.GetProperty("error").GetProperty("message").GetString() ?? string.Empty : string.Empty;
            if (call.Status != HttpStatusCode.BadRequest || !message.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{sql}\n    -> {(int)call.Status} {call.Body}\n    expected 400 with an error naming '{word}'");
            }

            var after = await StateAsync(account, source, stateSql);
            if (after != before)
            {
                failures.Add($"{sql}\n    changed the account's state: {before} -> {after}");
                before = after;
            }

            if (File.Exists(Canary) || File.Exists(Canary + ".duckdb") || Directory.Exists("/tmp/sluice-export"))
            {
                failures.Add($"{sql}\n    wrote a file on the server");
            }
        }

        for (var i = 0; i < victims.Count; i++)
        {
            failures.AddRange(TenantWorld.Differences(victims[i], await world.SnapshotAsync(world.Victims[i])).Select(d => $"{world.Victims[i]} changed: {d}"));
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {escapes.Count()} escapes got through or changed something:\n" + string.Join("\n", failures));
    }

    /// <summary>The account's rows and the destination's settings, as one text.</summary>
    private static async Task<string> StateAsync(TestAccount account, TestSource source, string stateSql)
    {
        var rows = await HttpCall.PostAsync(account.Api, "v4/query", new { sql = $"SELECT count(*), max(_sdc_sequence) FROM {source.Name}.data" });
        var state = await HttpCall.PostAsync(account.Api, "v4/query", new { sql = stateSql });
        return $"{rows.AssertOk().Json.GetProperty("rows")} {state.AssertOk().Json.GetProperty("rows")}";
    }

    private async Task LoadAsync(TestAccount account, TestSource source)
    {
        using var content = new StringContent("""[{"id":1},{"id":2},{"id":3}]""", System.Text.Encoding.UTF8, "application/json");
        using var ingest = await world.Server.Anonymous.PostAsync(source.WebhookUrl, content);
        Assert.True(ingest.IsSuccessStatusCode);
        await HttpCall.WaitForAsync(
            () => HttpCall.PostAsync(account.Api, "v4/query", new { sql = $"SELECT count(*) FROM {source.Name}.data" }),
            c => c.Status == HttpStatusCode.OK && c.Json.GetProperty("rows")[0][0].GetInt64() == 3,
            $"3 rows in {source.Name}.data");
    }
}
