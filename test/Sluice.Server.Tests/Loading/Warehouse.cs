using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Sluice.Server.Tests.Api;

namespace Sluice.Server.Tests.Loading;

/// <summary>Posting to webhook URLs, querying through <c>POST /v4/query</c>, and polling until the loader has caught up.</summary>
internal static class Warehouse
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

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
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        string last;
        while (true)
        {
            var call = await QueryAsync(api, sql);
            if (call.Status == HttpStatusCode.OK)
            {
                var rows = Rows(call);
                if (done(rows))
                {
                    return rows;
                }

                last = Render(rows);
            }
            else
            {
                last = call.Text;
            }

            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0} s waiting for: {sql}\nLast answer: {last}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until <paramref name="sql"/> answers exactly <paramref name="count"/> rows.</summary>
    public static Task<List<string[]>> WaitForRowsAsync(HttpClient api, string sql, int count, TimeSpan? timeout = null) =>
        WaitForAsync(api, sql, rows => rows.Count == count, timeout);

    /// <summary>Polls <paramref name="condition"/> until true; fails naming <paramref name="what"/> on timeout.</summary>
    /// <param name="lastSeen">What to say about the last state on timeout (e.g. the source's stats).</param>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? lastSeen = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0} s waiting until {what}.{(lastSeen is null ? string.Empty : " Last seen: " + lastSeen())}");
            }

            await Task.Delay(100);
        }
    }

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
