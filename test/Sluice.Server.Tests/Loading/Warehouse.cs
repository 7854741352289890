using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Sluice.Server.Tests.Api;
using Sluice.Testing;

namespace Sluice.Server.Tests.Loading;

/// <summary>Posting to webhook URLs, querying through <c>POST /v4/query</c>, and polling (through <see cref="Eventually"/>) until the loader has caught up.</summary>
internal static class Warehouse
{
    /// <summary>Posts <paramref name="json"/> to a webhook URL and asserts the documented 200 acknowledgement.</summary>
    public static async Task PostAsync(HttpClient client, string webhookUrl, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(webhookUrl), content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST to the webhook URL answered {(int)response.StatusCode}: {text}");
        Assert.Contains("Batch Accepted!", text, StringComparison.Ordinal);
    }

    public static Task<ApiCall> QueryAsync(HttpClient api, string sql) =>
        ApiCall.PostAsync(api, "v4/query", JsonSerializer.Serialize(new Dictionary<string, string> { ["sql"] = sql }));

    /// <summary>The rows of a successful query, each cell as text (<c>null</c> for SQL NULL, numbers and booleans as JSON writes them).</summary>
    public static List<string[]> Rows(ApiCall call)
    {
        call.AssertOk();
        return call.Json.GetProperty("rows").EnumerateArray().Select(row => row.EnumerateArray().Select(Cell).ToArray()).ToList();
    }

    public static string[] Columns(ApiCall call)
    {
        call.AssertOk();
        return call.Json.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
    }

    /// <summary>Runs <paramref name="sql"/> until it succeeds with rows satisfying <paramref name="done"/>; fails with the last answer on timeout.</summary>
    public static async Task<List<string[]>> WaitForAsync(HttpClient api, string sql, Func<List<string[]>, bool> done, TimeSpan? timeout = null)
    {
        var answer = await Eventually.ValueAsync<(List<string[]> Rows, string? Error)>(
            async () =>
            {
                var call = await QueryAsync(api, sql);
                return call.Status == HttpStatusCode.OK ? (Rows(call), null) : ([], call.Text);
            },
            answer => answer.Error is null && done(answer.Rows),
            $"this answers as expected: {sql}",
            timeout,
            answer => answer.Error ?? Render(answer.Rows));
        return answer.Rows;
    }

    /// <summary>Reads the source's stats until they satisfy <paramref name="done"/> and returns them; fails with the last ones on timeout.</summary>
    public static Task<JsonElement> WaitForStatsAsync(HttpClient api, long sourceId, Func<JsonElement, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.ValueAsync(
            async () =>
            {
                var call = await ApiCall.GetAsync(api, $"v4/sources/{sourceId}/stats");
                call.AssertOk();
                return call.Json;
            },
            done,
            what,
            timeout,
            stats => stats.ToString());

    /// <summary>Waits until <paramref name="sql"/> answers exactly <paramref name="count"/> rows.</summary>
    public static Task<List<string[]>> WaitForRowsAsync(HttpClient api, string sql, int count, TimeSpan? timeout = null) =>
        WaitForAsync(api, sql, rows => rows.Count == count, timeout);

    /// <summary>Asserts rows equal <paramref name="expected"/> (each row written as its cells joined by <c>|</c>).</summary>
    public static void AssertRows(IEnumerable<string> expected, IEnumerable<string[]> rows) =>
        Assert.Equal(expected.ToArray(), rows.Select(r => string.Join('|', r)).ToArray());

    public static string Render(IEnumerable<string[]> rows) => string.Join("; ", rows.Select(r => string.Join('|', r)));

    private static string Cell(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.String => cell.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => cell.TryGetInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : cell.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        _ => cell.GetRawText(),
    };
}
