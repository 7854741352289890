using Sluice.Testing;
using static Sluice.Cli.Tests.EndToEnd.Http;

namespace Sluice.Cli.Tests.EndToEnd;

/// <summary><c>sluice serve</c> as a process: SendGrid event arrays and nested orders posted to webhook URLs become exactly these rows.</summary>
public sealed class WebhookToTableTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "sluice-e2e-" + Guid.NewGuid().ToString("N"));
    private SluiceProcess server = null!;

    public async Task InitializeAsync() => server = await SluiceProcess.StartAsync(dataDir);

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task Serve_SendGridEventArrays_BecomeDataAndCategoryRows()
    {
        var source = await CreateSourceAsync(server.Api, "SendGrid Events");
        Assert.Equal("sendgrid_events", source.Name);

        await PostAsync(server.Anonymous, source.WebhookUrl, """
            [{"email":"example@test.com","timestamp":1513299569,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"processed","category":"cat facts","sg_event_id":"sg1","sg_message_id":"m1"},
             {"email":"example@test.com","timestamp":1513299570,"event":"delivered","category":["cat facts","dogs"],"sg_event_id":"sg2","sg_message_id":"m1","response":"250 OK"}]
            """);
        await PostAsync(server.Anonymous, source.WebhookUrl, """
            [{"email":"other@test.com","timestamp":1513299571,"event":"open","category":["dogs"],"sg_event_id":"sg3","sg_message_id":"m2","useragent":"Mozilla/5.0","ip":"255.255.255.255"}]
            """);

        var (_, data) = await WaitForAsync(
            server.Api,
            "SELECT sg_event_id, email, \"timestamp\", \"smtpid\", event, category, sg_message_id, response, useragent, ip, _sdc_table_version FROM sendgrid_events.data ORDER BY _sdc_sequence",
            rows => rows.Count == 3,
            Timeout);
        Assert.Equal(
            """
            sg1|example@test.com|1513299569|<14c5d75ce93.dfd.64b469@ismtpd-555>|processed|cat facts|m1|null|null|null|0
            sg2|example@test.com|1513299570|null|delivered|null|m1|250 OK|null|null|0
            sg3|other@test.com|1513299571|null|open|null|m2|null|Mozilla/5.0|255.255.255.255|0
            """.ReplaceLineEndings("\n"),
            Render(data));

        var (categoryColumns, categories, categoriesError) = await QueryAsync(server.Api, """
            SELECT d.sg_event_id, c.* EXCLUDE (_sdc_received_at, _sdc_batched_at, _sdc_sequence, _sdc_source_key___sdc_primary_key)
            FROM sendgrid_events.data__category c JOIN sendgrid_events.data d ON c._sdc_source_key___sdc_primary_key = d.__sdc_primary_key
            ORDER BY 1, c._sdc_level_0_id
            """);
        Assert.Null(categoriesError);
        Assert.Equal(["sg_event_id", "_sdc_table_version", "_sdc_level_0_id", "value"], categoryColumns);
        Assert.Equal(
            """
            sg2|0|0|cat facts
            sg2|0|1|dogs
            sg3|0|0|dogs
            """.ReplaceLineEndings("\n"),
            Render(categories));

        var (_, columns, _) = await QueryAsync(server.Api,
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'sendgrid_events' AND table_name = 'data' ORDER BY ordinal_position");
        Assert.Equal(
            """
            _sdc_received_at|TIMESTAMP
            _sdc_batched_at|TIMESTAMP
            _sdc_sequence|BIGINT
            _sdc_table_version|BIGINT
            __sdc_primary_key|VARCHAR
            email|VARCHAR
            timestamp|BIGINT
            smtpid|VARCHAR
            event|VARCHAR
            category|VARCHAR
            sg_event_id|VARCHAR
            sg_message_id|VARCHAR
            response|VARCHAR
            useragent|VARCHAR
            ip|VARCHAR
            """.ReplaceLineEndings("\n"),
            Render(columns));
    }

    [Fact]
    public async Task Serve_NestedOrders_FlattenDenestAndUpsertByOrderId()
    {
        // The CLI on the same machine finds the server and the admin token through the data directory.
        var create = await SluiceProcess.RunCliAsync("sources", "create", "Shop Orders", "--primary-key", "order_id", "--data-dir", dataDir, "--json");
        Assert.True(create.ExitCode == 0, $"sluice sources create failed ({create.ExitCode}): {create.Error}{create.Out}");
        using var created = System.Text.Json.JsonDocument.Parse(create.Out);
        Assert.Equal("shop_orders", created.RootElement.GetProperty("name").GetString());
        Assert.Equal("order_id", created.RootElement.GetProperty("properties").GetProperty("webhookz_primary_key").GetString());
        var source = (Name: "shop_orders", WebhookUrl: created.RootElement.GetProperty("webhook_url").GetString()!);

        await PostAsync(server.Anonymous, source.WebhookUrl, """
            {"order_id":1001,"status":"pending","total":42.5,"customer":{"id":7,"email":"ada@example.com","address":{"city":"London","country":"GB"}},
             "line_items":[{"sku":"TEA","quantity":2,"price":10.25,"discounts":[{"code":"WELCOME","amount":1.5}]},
                           {"sku":"MUG","quantity":1,"price":22.5,"discounts":[]}]}
            """);
        await PostAsync(server.Anonymous, source.WebhookUrl, """
            [{"order_id":1002,"status":"paid","total":5.75,"customer":{"id":8,"email":"bob@example.com","address":{"city":"Paris","country":"FR"}},
              "line_items":[{"sku":"PEN","quantity":1,"price":5.75,"discounts":[{"code":"SPRING","amount":0.25},{"code":"VIP","amount":0.5}]}]}]
            """);
        await WaitForAsync(server.Api, "SELECT order_id FROM shop_orders.data", rows => rows.Count == 2, Timeout);

        // An update of order 1001 in a later batch replaces its row and its line items.
        await PostAsync(server.Anonymous, source.WebhookUrl, """
            {"order_id":1001,"status":"paid","total":20.5,"customer":{"id":7,"email":"ada@example.com","address":{"city":"London","country":"GB"}},
             "line_items":[{"sku":"TEA","quantity":2,"price":10.25,"discounts":[]}]}
            """);

        var (_, orders) = await WaitForAsync(
            server.Api,
            "SELECT order_id, status, total, customer__id, customer__email, customer__address__city, customer__address__country FROM shop_orders.data ORDER BY order_id",
            rows => rows.Count == 2 && rows[0][1] == "paid",
            Timeout);
        Assert.Equal(
            """
            1001|paid|20.5|7|ada@example.com|London|GB
            1002|paid|5.75|8|bob@example.com|Paris|FR
            """.ReplaceLineEndings("\n"),
            Render(orders));

        var cli = await SluiceProcess.RunCliAsync("query", "--json", "--data-dir", dataDir, "SELECT order_id, status, total FROM shop_orders.data ORDER BY order_id");
        Assert.True(cli.ExitCode == 0, $"sluice query failed ({cli.ExitCode}): {cli.Error}{cli.Out}");
        using (var answer = System.Text.Json.JsonDocument.Parse(cli.Out))
        {
            Assert.Equal(["order_id", "status", "total"], answer.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
            Assert.Equal("[[1001,\"paid\",20.5],[1002,\"paid\",5.75]]", answer.RootElement.GetProperty("rows").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal).ReplaceLineEndings(string.Empty));
        }

        var table = await SluiceProcess.RunCliAsync("query", "--data-dir", dataDir, "SELECT order_id, status FROM shop_orders.data ORDER BY order_id");
        Assert.True(table.ExitCode == 0, $"sluice query failed ({table.ExitCode}): {table.Error}{table.Out}");
        Assert.Contains("1002", table.Out, StringComparison.Ordinal);
        Assert.Contains("(2 rows)", table.Out, StringComparison.Ordinal);

        var (_, items, itemsError) = await QueryAsync(server.Api,
            "SELECT _sdc_source_key_order_id, _sdc_level_0_id, sku, quantity, price FROM shop_orders.data__line_items ORDER BY 1, 2");
        Assert.Null(itemsError);
        Assert.Equal(
            """
            1001|0|TEA|2|10.25
            1002|0|PEN|1|5.75
            """.ReplaceLineEndings("\n"),
            Render(items));

        var (_, discounts, discountsError) = await QueryAsync(server.Api,
            "SELECT _sdc_source_key_order_id, _sdc_level_0_id, _sdc_level_1_id, code, amount FROM shop_orders.data__line_items__discounts ORDER BY 1, 2, 3");
        Assert.Null(discountsError);
        Assert.Equal(
            """
            1002|0|0|SPRING|0.25
            1002|0|1|VIP|0.5
            """.ReplaceLineEndings("\n"),
            Render(discounts));

        var (_, tables, _) = await QueryAsync(server.Api,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'shop_orders' ORDER BY table_name");
        Assert.Equal("_sdc_rejected\n_sluice_columns\ndata\ndata__line_items\ndata__line_items__discounts", Render(tables));
        var (_, mapped, mappedError) = await QueryAsync(server.Api,
            "SELECT column_name, json_path FROM shop_orders._sluice_columns WHERE table_name = 'data__line_items__discounts' AND column_name = 'code'");
        Assert.Null(mappedError);
        Assert.Equal("code|line_items[].discounts[].code", Render(mapped));
        var (_, rejected, _) = await QueryAsync(server.Api, "SELECT count(*) FROM shop_orders._sdc_rejected");
        Assert.Equal("0", Render(rejected));
    }
}
