using System.Globalization;
using System.Text;
using System.Text.Json;
using Sluice.Server.Tests.Api;
using Sluice.Testing;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Loading;

/// <summary>
/// Loads DuckDB cannot hold in its memory limit (a user's report: after 10,000-key objects and 100,000-record arrays the
/// loader failed every load with "could not allocate block" and the source stopped). One bad batch must not jam a source:
/// the loader splits the load and tries again, and a single record that still cannot load goes to <c>_sdc_rejected</c> with
/// the reason while the records around it load. DuckDB gets a small memory limit here so that the loads are small too.
/// </summary>
public sealed class OversizedLoadTests
{
    private static Dictionary<string, string?> Settings(string memoryLimit) => new(FastLoadingServer.Settings)
    {
        ["Loading:DuckDbMemoryLimit"] = memoryLimit,
        ["Loading:MinRetryDelay"] = "00:00:00.2",
        ["Loading:MaxRetryDelay"] = "00:00:01",
    };

    [Fact]
    public async Task Load_BatchWithARecordTooLargeForDuckDbMemory_IsSplitAndOnlyThatRecordIsRejected()
    {
        await using var server = await SluiceServer.StartAsync(settings: Settings("64MB"));
        var source = await server.CreateSourceAsync(server.Api, "Survey Batch");

        // One request, one batch: six ordinary responses around one with 1,500 answers, which no load of 64 MB holds.
        var batch = "[" + Responses(0, 3, answers: 5)[1..^1] + "," + Responses(3, 1, answers: 1_500)[1..^1] + "," + Responses(4, 3, answers: 5)[1..^1] + "]";
        await PostAsync(server.Anonymous, source.WebhookUrl, batch);

        var rows = await WaitForRowsAsync(server.Api, "SELECT response_id FROM survey_batch.data ORDER BY response_id", 6, TimeSpan.FromSeconds(120));
        AssertRows(["0", "1", "2", "4", "5", "6"], rows);
        AssertRows(["data|3"], Rows(await QueryAsync(server.Api, "SELECT table_name, json_extract(record, '$.response_id') FROM survey_batch._sdc_rejected")));
        var stats = await WaitForStatsAsync(server.Api, source.Id, s => s.GetProperty("rows_to_be_loaded").GetInt64() == 0, "nothing is left to load");
        Assert.True(stats.GetProperty("loads_split").GetInt32() > 0, $"No load was split: {stats}");
        Assert.Equal(1, stats.GetProperty("records_rejected_by_destination").GetInt64());
        Assert.Equal(JsonValueKind.Null, stats.GetProperty("last_load_error").ValueKind);
    }

    [Fact]
    public async Task Load_RecordTooLargeForDuckDbMemory_RejectsThatRecordWithTheReasonAndLoadsTheOthers()
    {
        await using var server = await SluiceServer.StartAsync(settings: Settings("64MB"));
        var source = await server.CreateSourceAsync(server.Api, "Survey Wide");

        // One response with 1,500 answers: a table that wide needs about 750 MB of DuckDB memory in any load. The responses
        // before and after it are ordinary.
        await PostAsync(server.Anonymous, source.WebhookUrl, Responses(0, 3, answers: 5));
        await PostAsync(server.Anonymous, source.WebhookUrl, Responses(3, 1, answers: 1_500));
        await PostAsync(server.Anonymous, source.WebhookUrl, Responses(4, 3, answers: 5));

        var rows = await WaitForRowsAsync(server.Api, "SELECT response_id FROM survey_wide.data ORDER BY response_id", 6, TimeSpan.FromSeconds(120));
        AssertRows(["0", "1", "2", "4", "5", "6"], rows);
        var rejected = Rows(await QueryAsync(server.Api, "SELECT table_name, reason, json_extract(record, '$.response_id') FROM survey_wide._sdc_rejected"));
        var only = Assert.Single(rejected);
        Assert.Equal("data", only[0]);
        Assert.Contains("could not be loaded", only[1], StringComparison.Ordinal);
        Assert.Contains("memory", only[1], StringComparison.OrdinalIgnoreCase);
        Assert.Equal("3", only[2]);

        var stats = await WaitForStatsAsync(server.Api, source.Id, s => s.GetProperty("rows_to_be_loaded").GetInt64() == 0, "nothing is left to load");
        Assert.Equal(1, stats.GetProperty("records_rejected_by_destination").GetInt64());
        Assert.Contains("_sdc_rejected", stats.GetProperty("last_record_rejected_by_destination").GetString(), StringComparison.Ordinal);
        var notifications = (await ApiCall.GetAsync(server.Api, "v4/notifications")).Json.EnumerateArray().ToList();
        Assert.Contains(notifications, n => n.GetProperty("code").GetString() == "record-rejected"
            && n.GetProperty("message").GetString()!.Contains("_sdc_rejected", StringComparison.Ordinal));

        // And the source goes on loading.
        await PostAsync(server.Anonymous, source.WebhookUrl, Responses(7, 1, answers: 5));
        await WaitForRowsAsync(server.Api, "SELECT response_id FROM survey_wide.data WHERE response_id = 7", 1);
    }

    /// <summary>A form tool's export: <paramref name="count"/> responses with ids from <paramref name="first"/>, each with <paramref name="answers"/> answers.</summary>
    private static string Responses(int first, int count, int answers)
    {
        var text = new StringBuilder("[");
        for (var r = first; r < first + count; r++)
        {
            text.Append(r == first ? "{" : ",{").Append(CultureInfo.InvariantCulture, $"\"response_id\":{r},\"submitted_at\":\"2026-11-0{1 + (r % 9)}T10:00:00Z\",\"form\":\"customer-survey\"");
            for (var a = 0; a < answers; a++)
            {
                if (a % 3 == 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $",\"q{a:0000}\":{((r * 7) + a) % 11}");
                }
                else
                {
                    text.Append(CultureInfo.InvariantCulture, $",\"q{a:0000}\":\"answer {r}-{a} about the product\"");
                }
            }

            text.Append('}');
        }

        return text.Append(']').ToString();
    }
}
