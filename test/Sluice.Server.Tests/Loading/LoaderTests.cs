using Sluice.Server.Tests.Api;
using Sluice.Testing;
using static Sluice.Server.Tests.Loading.Warehouse;

namespace Sluice.Server.Tests.Loading;

/// <summary>The loader over a real server and its embedded DuckDB destination: what a user posts is what they can query.</summary>
public sealed class LoaderTests(FastLoadingServer fixture) : IClassFixture<FastLoadingServer>
{
    private SluiceServer Server => fixture.Server;

    [Fact]
    public async Task Load_ObjectAndArrayPosts_AreQueryableWithSystemColumns()
    {
        var source = await Server.CreateSourceAsync(Server.Api, "Flat Events", "id");

        await PostAsync(Server.Anonymous, source.WebhookUrl, """{"id":1,"name":"first","amount":2.5,"ok":true}""");
        await PostAsync(Server.Anonymous, source.WebhookUrl, """[{"id":2,"name":"second","amount":3.5,"ok":false},{"id":3,"name":"third"}]""");

        var rows = await WaitForRowsAsync(
            Server.Api,
            "SELECT id, name, amount, ok, _sdc_table_version, _sdc_sequence > 0, _sdc_received_at IS NOT NULL, _sdc_batched_at IS NOT NULL FROM flat_events.data ORDER BY id",
            3);
        AssertRows(
            ["1|first|2.5|true|0|true|true|true", "2|second|3.5|false|0|true|true|true", "3|third|null|null|0|true|true|true"],
            rows);
        var order = Rows(await QueryAsync(Server.Api, "SELECT id FROM flat_events.data ORDER BY _sdc_sequence"));
        AssertRows(["1", "2", "3"], order);
    }

    [Fact]
    public async Task Load_NestedOrder_FlattensObjectsAndDenestsArraysThreeLevelsDeep()
    {
        var source = await Server.CreateSourceAsync(Server.Api, "Nested Orders", "id");

        await PostAsync(Server.Anonymous, source.WebhookUrl, """
            {"id":7,"customer":{"name":"Ada","address":{"city":"Paris","zip":"75001"}},
             "line_items":[
               {"sku":"A","qty":1,"tax_lines":[{"title":"VAT","rate":0.2,"regions":["FR","EU"]},{"title":"eco","rate":0.01,"regions":["FR"]}]},
               {"sku":"B","qty":2,"tax_lines":[{"title":"VAT","rate":0.2,"regions":["EU"]}]}]}
            """);

        var regions = await WaitForRowsAsync(
            Server.Api,
            "SELECT _sdc_source_key_id, _sdc_level_0_id, _sdc_level_1_id, _sdc_level_2_id, value FROM nested_orders.data__line_items__tax_lines__regions ORDER BY 2, 3, 4",
            4);
        AssertRows(["7|0|0|0|FR", "7|0|0|1|EU", "7|0|1|0|FR", "7|1|0|0|EU"], regions);

        AssertRows(
            ["7|Ada|Paris|75001"],
            Rows(await QueryAsync(Server.Api, "SELECT id, customer__name, customer__address__city, customer__address__zip FROM nested_orders.data")));
        AssertRows(
            ["7|0|A|1", "7|1|B|2"],
            Rows(await QueryAsync(Server.Api, "SELECT _sdc_source_key_id, _sdc_level_0_id, sku, qty FROM nested_orders.data__line_items ORDER BY 2")));
        AssertRows(
            ["7|0|0|VAT|0.2", "7|0|1|eco|0.01", "7|1|0|VAT|0.2"],
            Rows(await QueryAsync(Server.Api, "SELECT _sdc_source_key_id, _sdc_level_0_id, _sdc_level_1_id, title, rate FROM nested_orders.data__line_items__tax_lines ORDER BY 2, 3")));
        var rootColumns = Rows(await QueryAsync(Server.Api,
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'nested_orders' AND table_name = 'data' ORDER BY ordinal_position"));
        AssertRows(
            ["_sdc_received_at", "_sdc_batched_at", "_sdc_sequence", "_sdc_table_version", "id", "customer__name", "customer__address__city", "customer__address__zip"],
            rootColumns);
    }

    [Fact]
    public async Task Load_SendGridEventArray_PutsCategoryArraysInDataCategoryValue()
    {
        var source = await Server.CreateSourceAsync(Server.Api, "SendGrid");

        await PostAsync(Server.Anonymous, source.WebhookUrl, """
            [{"email":"a@example.com","timestamp":1513299569,"event":"processed","category":["cat facts","dogs"],"sg_event_id":"e1"},
             {"email":"b@example.com","timestamp":1513299570,"event":"open","category":["welcome"],"sg_event_id":"e2","useragent":"Mozilla"},
             {"email":"a@example.com","timestamp":1513299571,"event":"click","url":"https://example.com","sg_event_id":"e3"}]
            """);

        var categories = await WaitForRowsAsync(
            Server.Api,
            "SELECT d.sg_event_id, c._sdc_level_0_id, c.value FROM sendgrid.data d JOIN sendgrid.data__category c ON c._sdc_source_key___sdc_primary_key = d.__sdc_primary_key ORDER BY 1, 2",
            3);
        AssertRows(["e1|0|cat facts", "e1|1|dogs", "e2|0|welcome"], categories);
        AssertRows(
            ["e1|a@example.com|1513299569|processed|null|null", "e2|b@example.com|1513299570|open|Mozilla|null", "e3|a@example.com|1513299571|click|null|https://example.com"],
            Rows(await QueryAsync(Server.Api, "SELECT sg_event_id, email, \"timestamp\", event, useragent, url FROM sendgrid.data ORDER BY sg_event_id")));
        var columns = Rows(await QueryAsync(Server.Api,
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'sendgrid' AND table_name = 'data__category' ORDER BY ordinal_position"));
        AssertRows(["_sdc_received_at", "_sdc_batched_at", "_sdc_sequence", "_sdc_table_version", "_sdc_source_key___sdc_primary_key", "_sdc_level_0_id", "value"], columns);
    }

    [Fact]
    public async Task Load_KeyedSource_NewerRecordReplacesRowAndSubtableRowsAcrossBatches()
    {
        var source = await Server.CreateSourceAsync(Server.Api, "Upserts", "id");
        await PostAsync(Server.Anonymous, source.WebhookUrl, """[{"id":1,"status":"new","items":[{"n":1},{"n":2},{"n":3}]},{"id":2,"status":"new","items":[{"n":5}]}]""");
        await WaitForRowsAsync(Server.Api, "SELECT 1 FROM upserts.data__items", 4);

        await PostAsync(Server.Anonymous, source.WebhookUrl, """{"id":1,"status":"paid","items":[{"n":9}]}""");
        await PostAsync(Server.Anonymous, source.WebhookUrl, """[{"id":3,"status":"first"},{"id":3,"status":"second"}]""");

        var rows = await WaitForAsync(
            Server.Api,
            "SELECT id, status FROM upserts.data ORDER BY id",
            r => r.Count == 3 && r[0][1] == "paid");
        AssertRows(["1|paid", "2|new", "3|second"], rows);
        AssertRows(
            ["1|0|9", "2|0|5"],
            Rows(await QueryAsync(Server.Api, "SELECT _sdc_source_key_id, _sdc_level_0_id, n FROM upserts.data__items ORDER BY 1, 2")));
    }

    [Fact]
    public async Task Load_AppendOnly_KeepsEveryRecordWithItsOwnUuid()
    {
        var source = await Server.CreateSourceAsync(Server.Api, "Appends");

        await PostAsync(Server.Anonymous, source.WebhookUrl, """{"event":"same"}""");
        await PostAsync(Server.Anonymous, source.WebhookUrl, """{"event":"same"}""");

        var rows = await WaitForRowsAsync(Server.Api, "SELECT event, __sdc_primary_key FROM appends.data ORDER BY _sdc_sequence", 2);
        Assert.All(rows, r => Assert.Equal("same", r[0]));
        Assert.All(rows, r => Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", r[1]));
        Assert.NotEqual(rows[0][1], rows[1][1]);
    }

    [Fact]
    public async Task Load_RecordWithoutKey_GoesToSdcRejectedAndTheRestOfTheBatchLoads()
    {
        var source = await Server.CreateSourceAsync(Server.Api, "Rejects", "id");

        await PostAsync(Server.Anonymous, source.WebhookUrl, """[{"id":1,"a":"x"},{"a":"no key here"},{"id":2,"a":"y"}]""");

        var rows = await WaitForRowsAsync(Server.Api, "SELECT id, a FROM rejects.data ORDER BY id", 2);
        AssertRows(["1|x", "2|y"], rows);
        var rejected = Rows(await QueryAsync(Server.Api, "SELECT table_name, reason, record, _sdc_rejected_at IS NOT NULL FROM rejects._sdc_rejected"));
        var row = Assert.Single(rejected);
        Assert.Equal("data", row[0]);
        Assert.Equal("Primary key field id is missing or null", row[1]);
        Assert.Contains("no key here", row[2], StringComparison.Ordinal);
        Assert.Equal("true", row[3]);
    }

    [Fact]
    public async Task Loads_AfterALoad_ListsTheStreamAndHidesOtherAccounts()
    {
        var source = await Server.CreateSourceAsync(Server.Api, "Load List");
        await PostAsync(Server.Anonymous, source.WebhookUrl, """{"a":1,"tags":["x"]}""");
        await WaitForRowsAsync(Server.Api, "SELECT a FROM load_list.data", 1);

        var loads = await ApiCall.GetAsync(Server.Api, $"v4/{Server.ClientId}/loads");

        loads.AssertOk();
        var streams = loads.Json.GetProperty("data").EnumerateArray().Where(s => s.GetProperty("source_name").GetString() == "load_list").ToList();
        Assert.Equal(["data", "data__tags"], streams.Select(s => s.GetProperty("stream_name").GetString()).Order(StringComparer.Ordinal));
        Assert.All(streams, s =>
        {
            Assert.Equal(Server.ClientId, s.GetProperty("stitch_client_id").GetInt64());
            Assert.EndsWith("Z", s.GetProperty("last_batch_loaded_at").GetString(), StringComparison.Ordinal);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, s.GetProperty("error_state").ValueKind);
        });

        var other = await Server.CreateAccountAsync();
        (await ApiCall.GetAsync(other.Api, $"v4/{Server.ClientId}/loads")).AssertError(System.Net.HttpStatusCode.NotFound, "not_found", "was not found");
        (await ApiCall.GetAsync(Server.Api, "v4/999999/loads")).AssertError(System.Net.HttpStatusCode.NotFound, "not_found", "was not found");
        var theirs = await ApiCall.GetAsync(other.Api, $"v4/{other.ClientId}/loads");
        theirs.AssertOk();
        Assert.Empty(theirs.Json.GetProperty("data").EnumerateArray());
    }
}
