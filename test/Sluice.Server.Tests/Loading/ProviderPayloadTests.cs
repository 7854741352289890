using System.Text;
using System.Text.Json;
using Sluice.Server.Tests.Api;
using Sluice.Server.Tests.Hooks;
using Sluice.Testing;
using Sluice.Testing.Providers;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Loading;

/// <summary>
/// Issue 16 end to end: realistic GitHub, Stripe and SendGrid deliveries posted over HTTP to a running server, loaded into
/// DuckDB with nothing rejected for names, collisions or width; tables per event type; a delivery id as the key; and a
/// reload that rebuilds the tables from the raw archive and tells the hooks <c>new_version</c>.
/// </summary>
public sealed class ProviderPayloadTests
{
    private const string GitHubProperties =
        """{"webhookz_primary_key":"_sdc_header_x_github_delivery","table_from":"header:X-GitHub-Event","capture_headers":["X-GitHub-Delivery","X-GitHub-Event"]}""";

    private static Dictionary<string, string?> Settings(HookReceiver? receiver = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Loading:Interval"] = "00:00:00.200",
            ["Loading:PollInterval"] = "00:00:00.050",
        };
        if (receiver is not null)
        {
            settings["Hooks:AllowPrivateNetworks"] = "true";
            settings["Hooks:TrustedCertificatePath"] = receiver.CertificatePath;
        }

        return settings;
    }

    private static async Task<TestSource> CreateAsync(SluiceServer server, string displayName, string properties)
    {
        var call = await ApiCall.PostAsync(server.Api, "v4/sources",
            $$$"""{"display_name":"{{{displayName}}}","type":"webhook.incoming-webhook","properties":{{{properties}}}}""");
        call.AssertOk();
        return new TestSource(call.Json.GetProperty("id").GetInt64(), call.Json.GetProperty("name").GetString()!, call.Json.GetProperty("webhook_url").GetString()!);
    }

    private static async Task PostAsync(SluiceServer server, TestSource source, ProviderRequest request)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(source.WebhookUrl))
        {
            Content = new StringContent(request.Body, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in request.Headers.Where(h => h.Key != "User-Agent"))
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        message.Headers.UserAgent.ParseAdd(request.Headers.GetValueOrDefault("User-Agent", "test"));
        using var response = await server.Anonymous.SendAsync(message);
        Assert.True(response.IsSuccessStatusCode, $"Ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<long> CountAsync(SluiceServer server, string sql) => long.Parse(Rows(await QueryAsync(server.Api, sql))[0][0], System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> ColumnAsync(SluiceServer server, string schema, string table, string path)
    {
        var rows = Rows(await QueryAsync(server.Api, $"SELECT column_name FROM {schema}._sluice_columns WHERE table_name = '{table}' AND json_path = '{path}'"));
        return Assert.Single(rows)[0];
    }

    [Fact]
    public async Task GitHub_ManyEventTypes_OneTablePerEvent_NothingRejected_RedeliveriesReplaceTheirRow()
    {
        await using var server = await SluiceServer.StartAsync(settings: Settings());
        var source = await CreateAsync(server, "GitHub Org", GitHubProperties);
        var deliveries = GitHubPayloads.Stream(GitHubPayloads.Events.Length * 3);

        foreach (var delivery in deliveries)
        {
            await PostAsync(server, source, delivery);
        }

        foreach (var delivery in deliveries.Where((_, i) => i % 10 == 0))
        {
            await PostAsync(server, source, GitHubPayloads.Redelivery(delivery));
        }

        var tables = await WaitForAsync(server.Api,
            $"SELECT count(DISTINCT root_table) FROM {source.Name}._sluice_columns",
            rows => rows.Count == 1 && rows[0][0] == GitHubPayloads.Events.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Eventually.AssertAsync(async () => (await ApiCall.GetAsync(server.Api, $"v4/sources/{source.Id}/stats")).Json.GetProperty("rows_to_be_loaded").GetInt64() == 0, "everything is loaded");

        // Nothing waits in the buffer, and records leave it only after their load committed: every row and rejection is in.

        Assert.Equal(0, await CountAsync(server, $"SELECT count(*) FROM {source.Name}._sdc_rejected"));
        long total = 0;
        foreach (var (name, _) in GitHubPayloads.Events)
        {
            var count = await CountAsync(server, $"SELECT count(*) FROM {source.Name}.\"{name}\"");
            Assert.True(count == 3, $"{name}: {count} rows, expected 3 (redeliveries replace their row)");
            total += count;
        }

        Assert.Equal(deliveries.Count, total);

        // The app's permissions nest 70+ characters deep: shortened, found through _sluice_columns, queryable.
        var runners = await ColumnAsync(server, source.Name, "check_run", "check_run.check_suite.app.permissions.organization_self_hosted_runners");
        Assert.True(runners.Length <= 59, runners);
        AssertRows(["write"], Rows(await QueryAsync(server.Api, $"SELECT DISTINCT \"{runners}\" FROM {source.Name}.check_run")));

        // reactions.+1 and reactions.-1 get columns of their own.
        var plus = await ColumnAsync(server, source.Name, "issues", "issue.reactions.+1");
        var minus = await ColumnAsync(server, source.Name, "issues", "issue.reactions.-1");
        Assert.NotEqual(plus, minus);
        AssertRows(["3|1"], Rows(await QueryAsync(server.Api, $"SELECT DISTINCT \"{plus}\", \"{minus}\" FROM {source.Name}.issues")));

        // The delivery id and the event name are columns; the push commits are a subtable of push.
        var first = deliveries[0];
        AssertRows([$"{first.Header("X-GitHub-Delivery")}|push"],
            Rows(await QueryAsync(server.Api, $"SELECT _sdc_header_x_github_delivery, _sdc_header_x_github_event FROM {source.Name}.push WHERE _sdc_header_x_github_delivery = '{first.Header("X-GitHub-Delivery")}'")));
        Assert.True(await CountAsync(server, $"SELECT count(*) FROM {source.Name}.push__commits") >= 3);
    }

    [Fact]
    public async Task StripeByObjectType_AndSendGridArrays_LoadWhole()
    {
        await using var server = await SluiceServer.StartAsync(settings: Settings());
        var stripe = await CreateAsync(server, "Stripe Live", """{"table_from":"field:data.object.object"}""");
        var sendgrid = await CreateAsync(server, "SendGrid Events", "{}");
        var events = StripePayloads.Stream(StripePayloads.Types.Length * 2);
        var batches = SendGridPayloads.Batches(6, 25);

        foreach (var request in events)
        {
            await PostAsync(server, stripe, request);
        }

        foreach (var request in batches)
        {
            await PostAsync(server, sendgrid, request);
        }

        await WaitForRowsAsync(server.Api, $"SELECT 1 FROM {sendgrid.Name}.data", 150);
        string[] objects = ["charge", "customer", "subscription", "invoice", "payment_intent", "checkout_session", "product", "price", "payout", "balance"];
        await Eventually.AssertAsync(
            async () =>
            {
                var stats = await ApiCall.GetAsync(server.Api, $"v4/sources/{stripe.Id}/stats");
                return stats.Json.GetProperty("rows_to_be_loaded").GetInt64() == 0 && stats.Json.GetProperty("archive_records").GetInt64() == events.Count;
            },
            "the Stripe events are loaded");

        Assert.Equal(0, await CountAsync(server, $"SELECT count(*) FROM {stripe.Name}._sdc_rejected"));
        Assert.Equal(0, await CountAsync(server, $"SELECT count(*) FROM {sendgrid.Name}._sdc_rejected"));
        long total = 0;
        foreach (var table in objects)
        {
            total += await CountAsync(server, $"SELECT count(*) FROM {stripe.Name}.{table}");
        }

        Assert.Equal(events.Count, total);

        // metadata keys order_id, "Order ID" and order-id all become order_id once named: three columns, by JSON path.
        var keys = new[] { "data.object.metadata.order_id", "data.object.metadata.Order ID", "data.object.metadata.order-id" };
        var columns = new List<string>();
        foreach (var key in keys)
        {
            columns.Add(await ColumnAsync(server, stripe.Name, "charge", key));
        }

        Assert.Equal(3, columns.Distinct().Count());
        Assert.Equal(4, await CountAsync(server, $"SELECT count(*) FROM {stripe.Name}.charge WHERE \"{columns[2]}\" LIKE 'legacy-%'"));
        Assert.True(await CountAsync(server, $"SELECT count(*) FROM {stripe.Name}.invoice__data__object__lines__data") >= 4);

        // SendGrid: category is a string in some events and an array in others; both are kept.
        Assert.True(await CountAsync(server, $"SELECT count(*) FROM {sendgrid.Name}.data WHERE category IS NOT NULL") > 0);
        Assert.True(await CountAsync(server, $"SELECT count(*) FROM {sendgrid.Name}.data__category") > 0);
        Assert.Equal(150, await CountAsync(server, $"SELECT count(DISTINCT sg_event_id) FROM {sendgrid.Name}.data"));
    }

    [Fact]
    public async Task Reload_AfterALayoutChange_RebuildsTheTablesAtVersionOne_AndTheHooksSayNewVersion()
    {
        await using var receiver = await HookReceiver.StartAsync();
        await using var server = await SluiceServer.StartAsync(settings: Settings(receiver));
        var destination = await ApiHooksTests.DestinationIdAsync(server.Api);
        (await ApiCall.PostAsync(server.Api, HookHarness.HooksPath, ApiHooksTests.CreateBody(destination, receiver.Url("hook")))).AssertOk();

        // First as Stitch does it: every event in data, the delivery id and event name kept.
        var source = await CreateAsync(server, "GitHub Reload", """{"capture_headers":["X-GitHub-Delivery","X-GitHub-Event"]}""");
        var deliveries = GitHubPayloads.Stream(60, seed: 7);
        foreach (var delivery in deliveries)
        {
            await PostAsync(server, source, delivery);
        }

        await WaitForRowsAsync(server.Api, $"SELECT 1 FROM {source.Name}.data", deliveries.Count);
        Assert.Equal(0, await CountAsync(server, $"SELECT count(*) FROM {source.Name}._sdc_rejected"));

        // Then one table per event, applied to what was already loaded.
        (await ApiCall.PutAsync(server.Api, $"v4/sources/{source.Id}", """{"properties":{"table_from":"header:X-GitHub-Event"}}""")).AssertOk();
        var reload = await ApiCall.PostAsync(server.Api, $"v4/sources/{source.Id}/reload", string.Empty);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, reload.Status);

        var stats = await WaitForStatsAsync(server.Api, source.Id, s => s.GetProperty("last_reload_at").ValueKind != JsonValueKind.Null, "the reload finishes");
        Assert.Equal(JsonValueKind.Null, stats.GetProperty("last_reload_refused").ValueKind);
        Assert.Equal(1, stats.GetProperty("last_reload_version").GetInt32());
        Assert.Equal(deliveries.Count, stats.GetProperty("last_reload_records").GetInt64());
        Assert.Equal(JsonValueKind.Null, (await ApiCall.GetAsync(server.Api, $"v4/sources/{source.Id}")).Json.GetProperty("reload_requested_at").ValueKind);

        var tables = Rows(await QueryAsync(server.Api,
            $"SELECT table_name FROM information_schema.tables WHERE table_schema = '{source.Name}' AND table_name NOT LIKE '%\\_\\_%' ESCAPE '\\' AND table_name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY 1"));
        Assert.DoesNotContain(tables, t => t[0] == "data");
        long total = 0;
        foreach (var table in tables.Select(t => t[0]))
        {
            total += await CountAsync(server, $"SELECT count(*) FROM {source.Name}.\"{table}\" WHERE _sdc_table_version = 1");
        }

        Assert.Equal(deliveries.Count, total);
        Assert.Equal(GitHubPayloads.Events.Length, tables.Count);

        var hooks = await receiver.WaitForRequestsAsync("hook", 1 + GitHubPayloads.Events.Length, TimeSpan.FromSeconds(60));
        var reloaded = hooks.Select(h => JsonDocument.Parse(h.Body).RootElement).Where(b => b.GetProperty("new_version").GetBoolean()).ToList();
        Assert.Equal(GitHubPayloads.Events.Length, reloaded.Count);
        Assert.All(reloaded, b => Assert.Equal(1, b.GetProperty("table_version").GetInt64()));
        Assert.Contains(reloaded, b => b.GetProperty("destination_root_table_name").GetString() == "pull_request");
    }
}
