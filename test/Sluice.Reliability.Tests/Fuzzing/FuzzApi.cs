using System.Net;
using System.Text;
using System.Text.Json;
using Sluice.Reliability.Tests.Support;
using Sluice.Testing;

namespace Sluice.Reliability.Tests.Fuzzing;

/// <summary>What the fuzz run needs beyond <see cref="Api"/>: a post that must be acknowledged, and waits on a query or a source's stats.</summary>
internal static class FuzzApi
{
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

    public static async Task WaitForAsync(HttpClient api, string sql, Func<List<string[]>, bool> done, TimeSpan timeout)
    {
        var last = "no answer yet";
        await Eventually.AssertAsync(
            async () =>
            {
                var (rows, error) = await Api.QueryAsync(api, sql);
                last = error ?? string.Join("\n", rows.Select(r => string.Join('|', r)));
                return error is null && done(rows);
            },
            $"this answers as expected: {sql}",
            timeout,
            () => last,
            every: TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Reads <c>GET /v4/sources/{id}/stats</c> until <paramref name="done"/>; fails with the last stats after <paramref name="timeout"/>.</summary>
    public static async Task<JsonElement> WaitForStatsAsync(HttpClient api, long sourceId, Func<JsonElement, bool> done, TimeSpan timeout, string serverOutput)
    {
        var stats = default(JsonElement);
        await Eventually.AssertAsync(
            async () =>
            {
                stats = await GetJsonAsync(api, $"v4/sources/{sourceId}/stats");
                return done(stats);
            },
            "the loader caught up",
            timeout,
            () => $"{stats}\n" + (serverOutput.Length <= 4000 ? serverOutput : serverOutput[^4000..]),
            every: TimeSpan.FromMilliseconds(500));
        return stats;
    }
}
