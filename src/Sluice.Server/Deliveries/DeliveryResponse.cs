using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sluice.Storage;

namespace Sluice.Server.Deliveries;

/// <summary>One delivery in the delivery log (beyond Stitch): the payload as sent, its status and every attempt.</summary>
public sealed record DeliveryResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("hook_id")] long HookId,
    [property: JsonPropertyName("webhook_id")] string WebhookId,
    [property: JsonPropertyName("load_id")] Guid LoadId,
    [property: JsonPropertyName("source_id")] long SourceId,
    [property: JsonPropertyName("root_table")] string RootTable,
    [property: JsonPropertyName("payload")] JsonElement Payload,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempt_count")] int AttemptCount,
    [property: JsonPropertyName("attempts")] IReadOnlyList<DeliveryAttemptResponse> Attempts,
    [property: JsonPropertyName("next_attempt_at")] string? NextAttemptAt,
    [property: JsonPropertyName("last_status_code")] int? LastStatusCode,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("completed_at")] string? CompletedAt,
    [property: JsonPropertyName("replay_of_delivery_id")] long? ReplayOfDeliveryId)
{
    public static DeliveryResponse From(Delivery delivery, IEnumerable<DeliveryAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        using var payload = JsonDocument.Parse(delivery.Payload);
        return new DeliveryResponse(
            delivery.Id,
            delivery.HookId,
            delivery.WebhookId,
            delivery.LoadId,
            delivery.SourceId,
            delivery.RootTable,
            payload.RootElement.Clone(),
            delivery.Status,
            delivery.Attempts,
            attempts.OrderBy(a => a.Number).Select(DeliveryAttemptResponse.From).ToList(),
            Timestamp(delivery.NextAttemptAt),
            delivery.LastStatusCode,
            delivery.LastError,
            Timestamp(delivery.CreatedAt)!,
            Timestamp(delivery.CompletedAt),
            delivery.ReplayOfDeliveryId);
    }

    /// <summary>ISO-8601 UTC with milliseconds: attempts are often less than a second apart.</summary>
    internal static string? Timestamp(DateTime? utc) =>
        utc is { } value ? DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : null;
}

public sealed record DeliveryAttemptResponse(
    [property: JsonPropertyName("number")] int Number,
    [property: JsonPropertyName("started_at")] string StartedAt,
    [property: JsonPropertyName("duration_ms")] long DurationMs,
    [property: JsonPropertyName("status_code")] int? StatusCode,
    [property: JsonPropertyName("error")] string? Error)
{
    public static DeliveryAttemptResponse From(DeliveryAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return new DeliveryAttemptResponse(attempt.Number, DeliveryResponse.Timestamp(attempt.StartedAt)!, attempt.DurationMs, attempt.StatusCode, attempt.Error);
    }
}

/// <summary>One page of a hook's delivery log, newest first.</summary>
public sealed record DeliveryPageResponse(
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("page_size")] int PageSize,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("deliveries")] IReadOnlyList<DeliveryResponse> Deliveries);
