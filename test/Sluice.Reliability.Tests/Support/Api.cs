using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sluice.Testing;

namespace Sluice.Reliability.Tests.Support;

/// <summary>The calls a user's scripts make against a running server: sources, destinations, hooks, posts, queries.</summary>
internal static class Api
{
    public const string Hooks = "notifications/public/v1/api/hooks";

    public static async Task<(long Id, string Schema, string WebhookUrl)> CreateSourceAsync(HttpClient api, string displayName, string? primaryKey = null)
    {
        object body = primaryKey is null
            ? new { display_name = displayName, type = "webhook.incoming-webhook" }
            : new { display_name = displayName, type = "webhook.incoming-webhook", properties = new { webhookz_primary_key = primaryKey } };
        using var response = await api.PostAsJsonAsync("v4/sources", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /v4/sources answered {(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        return (root.GetProperty("id").GetInt64(), root.GetProperty("name").GetString()!, root.GetProperty("webhook_url").GetString()!);
    }

    public static async Task<long> CreatePostgresDestinationAsync(HttpClient api, PostgresServer postgres, string database)
    {
        using var response = await api.PostAsJsonAsync("v4/destinations", new
        {
            type = "postgres",
            connection = new { host = postgres.Host, port = postgres.Port, username = postgres.Username, password = postgres.Password, database, sslmode = "disable" },
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("id").GetInt64();
    }

    /// <summary>The id of the account's one current destination.</summary>
    public static async Task<long> CurrentDestinationAsync(HttpClient api)
    {
        var destinations = await api.GetFromJsonAsync<JsonElement>("v4/destinations");
        return destinations.EnumerateArray().Last().GetProperty("id").GetInt64();
    }

    public static async Task<long> CreateHookAsync(HttpClient api, long destination, string url)
    {
        using var response = await api.PostAsJsonAsync(Hooks, new { type = "post_load", destination_id = destination, config = new { url } });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("id").GetInt64();
    }

    /// <summary>Posts to a webhook URL; the status code (200 is the documented acknowledgement).</summary>
    public static async Task<HttpStatusCode> PostAsync(HttpClient client, string webhookUrl, string json, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(webhookUrl), content, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>One query; rows with every cell as text, or the error.</summary>
    public static async Task<(List<string[]> Rows, string? Error)> QueryAsync(HttpClient api, string sql, int maxRows = 10_000)
    {
        using var response = await api.PostAsJsonAsync("v4/query", new { sql, max_rows = maxRows });
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ([], $"{(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(Cell).ToArray()).ToList();
        return (rows, null);
    }

    /// <summary>A single number from <paramref name="sql"/>, or null while the table is not there yet.</summary>
    public static async Task<long?> ScalarAsync(HttpClient api, string sql)
    {
        var (rows, error) = await QueryAsync(api, sql);
        return error is null && rows.Count == 1 && rows[0][0] != "null" ? long.Parse(rows[0][0], CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// Every value of an integer column, read in pages of 10,000 (the query API's cap), with how often each occurs; none while the
    /// table is not made yet (the first load has not run), so a wait on it goes on. Any other error fails.
    /// </summary>
    public static async Task<Dictionary<long, int>> CountByAsync(HttpClient api, string table, string column)
    {
        var counts = new Dictionary<long, int>();
        long after = long.MinValue;
        while (true)
        {
            var (rows, error) = await QueryAsync(api, string.Create(CultureInfo.InvariantCulture,
                $"SELECT {column}, count(*) FROM {table} WHERE {column} > {after} GROUP BY {column} ORDER BY {column} LIMIT 10000"));
            if (error is not null && IsNotMadeYet(error))
            {
                return counts;
            }

            Assert.True(error is null, error);
            foreach (var row in rows)
            {
                counts[long.Parse(row[0], CultureInfo.InvariantCulture)] = int.Parse(row[1], CultureInfo.InvariantCulture);
            }

            if (rows.Count < 10_000)
            {
                return counts;
            }

            after = long.Parse(rows[^1][0], CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A hook's deliveries: how many there are and how many succeeded.</summary>
    public static async Task<(int Total, int Succeeded)> DeliveriesAsync(HttpClient api, long hook)
    {
        var (total, succeeded) = (0, 0);
        for (var number = 1; ; number++)
        {
            var page = await api.GetFromJsonAsync<JsonElement>($"{Hooks}/{hook}/deliveries?page={number}");
            var deliveries = page.GetProperty("deliveries").EnumerateArray().ToList();
            total = page.GetProperty("total").GetInt32();
            succeeded += deliveries.Count(d => d.GetProperty("status").GetString() == "succeeded");
            if (deliveries.Count == 0 || number * page.GetProperty("page_size").GetInt32() >= total)
            {
                return (total, succeeded);
            }
        }
    }

    /// <summary>The query's answer when its table (or schema) is not there: 400 with PostgreSQL's "relation ... does not exist" or DuckDB's "Table with name ... does not exist".</summary>
    private static bool IsNotMadeYet(string error) =>
        error.StartsWith("400:", StringComparison.Ordinal) && error.Contains("does not exist", StringComparison.Ordinal);

    private static string Cell(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.String => cell.GetString()!,
        JsonValueKind.Null => "null",
        _ => cell.GetRawText(),
    };
}
