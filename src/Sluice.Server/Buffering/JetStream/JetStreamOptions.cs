namespace Sluice.Server.Buffering.JetStream;

/// <summary>
/// The NATS JetStream buffer of a scale-out deployment (<c>Buffer:Provider</c> = <c>nats</c>), bound from <c>Buffer:Nats</c>.
/// Every node of a deployment has the same settings.
/// </summary>
public sealed class JetStreamOptions
{
    public const string Section = "Buffer:Nats";

    /// <summary>The NATS servers, comma-separated, e.g. <c>nats://10.0.0.1:4222,nats://10.0.0.2:4222,nats://10.0.0.3:4222</c>.</summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>
    /// How many servers keep each record (the stream's and the cursor bucket's replicas). An ingest request is answered 200
    /// only once all of them have stored it. Default 3, so a record survives the loss of any one server of a cluster of three.
    /// </summary>
    public int Replicas { get; set; } = 3;

    /// <summary>The stream that holds the records. Default <c>SLUICE_RECORDS</c>.</summary>
    public string Stream { get; set; } = "SLUICE_RECORDS";

    /// <summary>
    /// The subjects' prefix: a source's records go to <c>&lt;prefix&gt;.&lt;source id&gt;</c>, one message per ingest request
    /// (or per part of a request larger than the servers' <c>max_payload</c>). Default <c>sluice.records</c>.
    /// </summary>
    public string SubjectPrefix { get; set; } = "sluice.records";

    /// <summary>
    /// The key-value bucket of each source's cursor: the last message loaded and removed from the stream (or kept as the raw
    /// archive) and the sequence it ended at. Default <c>sluice_cursors</c>.
    /// </summary>
    public string CursorBucket { get; set; } = "sluice_cursors";

    /// <summary>How long an ingest request waits for JetStream's acknowledgement before it answers 503. Default 5 seconds.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The URLs, split and trimmed.</summary>
    public IReadOnlyList<string> Urls => Url.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The subject of <paramref name="sourceId"/>'s records.</summary>
    public string SubjectOf(long sourceId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{SubjectPrefix}.{sourceId}");
}
