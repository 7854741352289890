using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Sluice.Testing;

namespace Sluice.Cli.Tests.EndToEnd;

/// <summary>Webhook posts, sources and <c>POST /v4/query</c> over plain HTTP, as a user's scripts would call them.</summary>
internal static class Http
{
    public static async Task<(long Id, string Name, string WebhookUrl)> CreateSourceAsync(HttpClient api, string displayName, string? primaryKey = null)
    {
        var body = primaryKey is null
            ? JsonSerializer.Serialize(new { display_name = displayName, type = "webhook.incoming-webhook" })
            : JsonSerializer.Serialize(new { display_name = displayName, type = "webhook.incoming-webhook", properties = new { webhookz_primary_key = primaryKey } });
        var (status, text) = await SendAsync(api, "v4/sources", body);
        Assert.True(status == HttpStatusCode.OK, $"POST /v4/sources answered {(int)status}: {text}");
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        return (root.GetProperty("id").GetInt64(), root.GetProperty("name").GetString()!, root.GetProperty("webhook_url").GetString()!);
    }

    /// <summary>Posts to a webhook URL; true only for the documented 200 acknowledgement.</summary>
    public static async Task<bool> TryPostAsync(HttpClient client, string webhookUrl, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(webhookUrl), content);
        return response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsStringAsync()).Contains("Batch Accepted!", StringComparison.Ordinal);
    }

    public static async Task PostAsync(HttpClient client, string webhookUrl, string json) =>
        Assert.True(await TryPostAsync(client, webhookUrl, json), $"POST to {webhookUrl} was not acknowledged.");

    /// <summary>Runs one query; the columns and the rows with every cell as text (<c>null</c>, numbers and booleans as JSON writes them), or the error.</summary>
    public static async Task<(string[] Columns, List<string[]> Rows, string? Error)> QueryAsync(HttpClient api, string sql)
    {
        var (status, text) = await SendAsync(api, "v4/query", JsonSerializer.Serialize(new { sql }));
        if (status != HttpStatusCode.OK)
        {
            return ([], [], $"{(int)status}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        var columns = json.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(Cell).ToArray()).ToList();
        return (columns, rows, null);
    }

    /// <summary>Queries until the answer satisfies <paramref name="done"/>; fails with the last answer after <paramref name="timeout"/>.</summary>
    public static async Task<(string[] Columns, List<string[]> Rows)> WaitForAsync(HttpClient api, string sql, Func<List<string[]>, bool> done, TimeSpan timeout)
    {
        var (columns, rows, _) = await Eventually.ValueAsync(
            () => QueryAsync(api, sql),
            answer => answer.Error is null && done(answer.Rows),
            $"this answers as expected: {sql}",
            timeout,
            answer => answer.Error ?? Render(answer.Rows));
        return (columns, rows);
    }

    public static string Render(IEnumerable<string[]> rows) => string.Join("\n", rows.Select(r => string.Join('|', r)));

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
        JsonValueKind.Number => cell.TryGetInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : cell.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        _ => cell.GetRawText(),
    };
}
