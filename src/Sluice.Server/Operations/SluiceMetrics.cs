using System.Diagnostics.Metrics;

namespace Sluice.Server.Operations;

/// <summary>
/// Sluice's own counters (meter <see cref="MeterName"/>), exported with ASP.NET Core's at <c>/metrics</c> in Prometheus
/// text format: what was accepted, what was loaded, what the hooks did.
/// </summary>
public sealed class SluiceMetrics
{
    public const string MeterName = "Sluice";

    private readonly Counter<long> _ingestRecords;
    private readonly Counter<long> _ingestOverloaded;
    private readonly Counter<long> _loads;
    private readonly Counter<long> _loadRows;
    private readonly Counter<long> _hookAttempts;
    private readonly Counter<long> _hookFailures;
    private readonly Histogram<double> _planDuration;
    private readonly Counter<long> _loadParts;
    private readonly Histogram<double> _publishDuration;
    private readonly Meter _meter;

    /// <summary>
    /// Bucket bounds of the plan duration histogram, in seconds (the default bounds, 0, 5, 10, 25 ... 10,000, suit milliseconds):
    /// a part plans in a few milliseconds to a few seconds.
    /// </summary>
    private static readonly IReadOnlyList<double> SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    public SluiceMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = _meter = meters.Create(MeterName);
        _ingestRecords = meter.CreateCounter<long>("sluice.ingest.records", "{record}", "Records accepted (committed to the buffer) by the webhook URLs.");
        _ingestOverloaded = meter.CreateCounter<long>("sluice.ingest.overloaded", "{request}", "Ingest requests answered 503 because the writer's queue was full.");
        _loads = meter.CreateCounter<long>("sluice.loads", "{load}", "Loads attempted, by outcome (succeeded, failed).");
        _loadRows = meter.CreateCounter<long>("sluice.load.rows", "{row}", "Rows loaded into destinations, subtables included.");
        _hookAttempts = meter.CreateCounter<long>("sluice.hook.attempts", "{attempt}", "Post-load hook attempts, by outcome (succeeded, failed).");
        _hookFailures = meter.CreateCounter<long>("sluice.hook.undeliverable", "{delivery}", "Post-load deliveries that failed for good (email and in-app notification).");
        _planDuration = meter.CreateHistogram<double>(
            "sluice.load.plan.duration",
            "s",
            "Time to plan one part of a load (normalization: JSON records to table rows), after its buffer read.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _loadParts = meter.CreateCounter<long>("sluice.load.parts", "{part}", "Parts planned for loads (a load under a backlog takes several in one transaction).");
        _publishDuration = meter.CreateHistogram<double>(
            "sluice.buffer.publish.duration",
            "s",
            "Time from an ingest request's publish to JetStream's acknowledgement of all its records (JetStream buffer), by outcome.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
    }

    /// <summary>One ingest request's publish to the JetStream buffer, acknowledged or not.</summary>
    public void BufferPublished(TimeSpan duration, bool acknowledged) =>
        _publishDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", acknowledged ? "acknowledged" : "failed"));

    /// <summary>
    /// Per-source gauges of what waits in the buffer, read from <paramref name="pending"/> at each scrape: records waiting and
    /// the lag (seconds since the oldest waiting record was received), tagged with the source id.
    /// </summary>
    public void ObservePending(Func<IReadOnlyList<Sluice.Core.Buffering.PendingSource>> pending, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(time);
        _meter.CreateObservableGauge(
            "sluice.buffer.pending.records",
            () => pending().Select(p => new Measurement<long>(p.Records, new KeyValuePair<string, object?>("source_id", p.SourceId))),
            "{record}",
            "Records accepted and not yet loaded, per source.");
        _meter.CreateObservableGauge(
            "sluice.buffer.lag",
            () => pending().Select(p => new Measurement<double>(
                Math.Max(0, (time.GetUtcNow() - p.OldestReceivedAt).TotalSeconds), new KeyValuePair<string, object?>("source_id", p.SourceId))),
            "s",
            "Seconds since the oldest record not yet loaded was received, per source.");
    }

    public void PartPlanned(TimeSpan duration)
    {
        _planDuration.Record(duration.TotalSeconds);
        _loadParts.Add(1);
    }

    public void RecordsAccepted(int count) => _ingestRecords.Add(count);

    public void IngestOverloaded() => _ingestOverloaded.Add(1);

    public void LoadSucceeded(long rows)
    {
        _loads.Add(1, new KeyValuePair<string, object?>("outcome", "succeeded"));
        _loadRows.Add(rows);
    }

    public void LoadFailed() => _loads.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));

    public void HookAttempt(bool succeeded) => _hookAttempts.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "succeeded" : "failed"));

    public void HookUndeliverable() => _hookFailures.Add(1);
}
