using BenchmarkDotNet.Attributes;
using Sluice.Core.Buffering;
using Sluice.Core.Normalization;

namespace Sluice.Core.Benchmarks;

/// <summary>
/// Plans one batch of buffered records into table rows, as the loader does before each destination commit: flat
/// SendGrid-style events (about 300 bytes, 12 fields) append-only and upserted, and nested orders (an object and two
/// levels of arrays, 6 rows per record). Compare ratios between runs, not absolute figures.
/// </summary>
[MemoryDiagnoser]
public class NormalizationBenchmarks
{
    private readonly LoadPlanner _planner = new();
    private BufferedRecord[] _flat = [];
    private BufferedRecord[] _orders = [];
    private BufferedRecord[] _afterWide = [];

    [Params(10_000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var receivedAt = new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
        _flat = Enumerable.Range(0, Records).Select(i => new BufferedRecord(1, i, receivedAt, FlatEvent(i))).ToArray();
        _orders = Enumerable.Range(0, Records).Select(i => new BufferedRecord(1, i, receivedAt, Order(i))).ToArray();
        _afterWide = Enumerable.Range(0, 20).Select(w => new BufferedRecord(1, w, receivedAt, WideObject(w)))
            .Concat(_flat.Select(r => new BufferedRecord(1, 20 + r.Sequence, receivedAt, r.Json))).ToArray();
    }

    [Benchmark(Baseline = true)]
    public int FlatEventsAppendOnly() => Plan(_flat, primaryKey: null);

    [Benchmark]
    public int FlatEventsUpsert() => Plan(_flat, primaryKey: "sg_event_id");

    [Benchmark]
    public int NestedOrdersUpsert() => Plan(_orders, primaryKey: "order_id");

    /// <summary>
    /// The flat events after 20 objects of 10,000 keys each (a custom-fields dump; the fuzz suite sends such objects): the
    /// events' fields are found by name among 200,000 others. Before the scope index this batch took minutes.
    /// </summary>
    [Benchmark]
    public int FlatEventsAfterWideObjects() => Plan(_afterWide, primaryKey: null);

    private int Plan(BufferedRecord[] records, string? primaryKey)
    {
        var plan = _planner.Plan(new LoadContext(1, "bench", primaryKey, Guid.NewGuid), records, [], DateTime.UtcNow);
        return plan.Writes.Sum(w => w.Rows.Count);
    }

    private static string FlatEvent(int i) =>
        $$"""{"email":"user{{i}}@example.com","timestamp":{{1700000000 + i}},"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"processed","category":"cat facts","sg_event_id":"sg_event_id_{{i}}","sg_message_id":"sg_message_id_{{i}}","ip":"127.0.0.1","useragent":"Mozilla/5.0","url":"https://example.com/{{i}}","asm_group_id":{{i % 10}},"ok":true}""";

    private static string WideObject(int w) =>
        "{" + string.Join(",", Enumerable.Range(0, 10_000).Select(k => $"\"custom_{w}_{k}\":{k}")) + "}";

    private static string Order(int i) =>
        $$"""{"order_id":{{i}},"customer":{"name":"n{{i}}","email":"e{{i}}@example.com"},"total":12.5,"line_items":[{"sku":"A","qty":1,"price":2.5,"tax_lines":[{"title":"VAT","rate":0.2}]},{"sku":"B","qty":2,"price":5,"tax_lines":[{"title":"VAT","rate":0.2},{"title":"X","rate":0.1}]}]}""";
}
