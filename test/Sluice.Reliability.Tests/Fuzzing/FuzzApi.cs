using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Sluice.Reliability.Tests.Fuzzing;

/// <summary>The Connect API as a user's script calls it: create a source, post, query, read a source's stats.</summary>
internal static class FuzzApi
{
    public static async Task<(long Id, string Name, string WebhookUrl)> CreateSourceAsync(HttpClient api, string displayName)
    {
        var (status, text) = await SendAsync(api, "v4/sources", JsonSerializer.Serialize(new { display_name = displayName, type = "webhook.incoming-webhook" }));
        Assert.True(status == HttpStatusCode.OK, $"POST /v4/sources answered {(int)status}: {text}");
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        return (root.GetProperty("id").GetInt64(), root.GetProperty("name").GetString()!, root.GetProperty("webhook_url").GetString()!);
    }

    public static async Task PostAsync(HttpClient client, string webhookUrl, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(webhookUrl), content);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient api, string path)
    {
        using var response = await api.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.Clone();
    }

    /// <summary>Runs one query: the rows with every cell as text, or the error.</summary>
    public static async Task<(string[] Columns, List<string[]> Rows, string? Error)> QueryAsync(HttpClient api, string sql)
    {
        var (status, text) = await SendAsync(api, "v4/query", JsonSerializer.Serialize(new { sql, max_rows = 10_000 }));
        if (status != HttpStatusCode.OK)
        {
            return ([], [], $"{(int)status}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        var columns = json.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(Cell).ToArray()).ToList();
        return (columns, rows, null);
    }

    public static async Task WaitForAsync(HttpClient api, string sql, Func<List<string[]>, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (_, rows, error) = await QueryAsync(api, sql);
            if (error is null && done(rows))
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for: {sql}\nLast answer: {error ?? string.Join("\n", rows.Select(r => string.Join('|', r)))}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Reads <c>GET /v4/sources/{id}/stats</c> until <paramref name="done"/>; fails with the last stats after <paramref name="timeout"/>.</summary>
    public static async Task<JsonElement> WaitForStatsAsync(HttpClient api, long sourceId, Func<JsonElement, bool> done, TimeSpan timeout, string serverOutput)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var stats = await GetJsonAsync(api, $"v4/sources/{sourceId}/stats");
            if (done(stats))
            {
                return stats;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"The loader did not catch up within {timeout.TotalSeconds:0} s: {stats}\n" +
                    (serverOutput.Length <= 4000 ? serverOutput : serverOutput[^4000..]));
            }

            await Task.Delay(500);
        }
    }

    private static async Task<(HttpStatusCode, string)> SendAsync(HttpClient api, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await api.PostAsync(new Uri(path, UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Cell(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.String => cell.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => cell.TryGetInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : cell.GetRawText(),
        _ => cell.GetRawText(),
    };
}
