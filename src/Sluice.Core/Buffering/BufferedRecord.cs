namespace Sluice.Core.Buffering;

/// <summary>One accepted record as the buffer holds it until it is loaded.</summary>
/// <param name="SourceId">The source (integration) the webhook token belongs to.</param>
/// <param name="Sequence">Epoch nanoseconds, strictly increasing per source; the array order of one request is kept.</param>
/// <param name="ReceivedAt">When Sluice received the request (UTC); becomes <c>_sdc_received_at</c>.</param>
/// <param name="Json">The record's raw JSON object text, exactly as posted.</param>
public sealed record BufferedRecord(long SourceId, long Sequence, DateTimeOffset ReceivedAt, string Json);
