using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Sluice.Server.Buffering;

namespace Sluice.Server.Ingestion;

/// <summary>The bodies the ingest endpoint answers with (DESIGN.md "Ingest contract"). Fixed bodies are encoded once.</summary>
public static class IngestResponses
{
    public static readonly byte[] Accepted = """{"status":"OK","message":"Batch Accepted!"}"""u8.ToArray();

    /// <summary>Unknown token, revoked token, another client's token: one body for all, revealing nothing.</summary>
    public static readonly byte[] NotFound = """{"status":"ERROR","message":"Not found."}"""u8.ToArray();

    public static readonly byte[] Inactive = """{"error":"Forbidden","errors":{"error":"Connection is not active."}}"""u8.ToArray();

    public static readonly byte[] MethodNotAllowed = "Method not allowed."u8.ToArray();

    public static readonly byte[] UnsupportedMediaType =
        """{"status":"ERROR","message":"Unsupported content type: form and multipart bodies are not accepted. Send JSON, e.g. with Content-Type: application/json."}"""u8.ToArray();

    public static Task WriteAsync(HttpContext context, int status, byte[] body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    public static Task WriteMalformedAsync(HttpContext context, string error) =>
        WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Malformed json in the body!", error);

    /// <summary>
    /// 413 for a body at or over <paramref name="limit"/>: with its Content-Length when it declared one; a chunked body was
    /// read only up to the limit, so its size is not known and not claimed.
    /// </summary>
    public static Task WriteTooLargeAsync(HttpContext context, long? declaredSize, int limit) =>
        WriteErrorAsync(
            context,
            StatusCodes.Status413PayloadTooLarge,
            declaredSize is { } size
                ? string.Create(CultureInfo.InvariantCulture, $"Request rejected: request size ({size} bytes) exceeds the maximum")
                : string.Create(CultureInfo.InvariantCulture, $"Request rejected: request size exceeds the maximum (the chunked body reached the limit of {limit} bytes; reading stopped there)"),
            string.Create(CultureInfo.InvariantCulture, $"Bodies must be smaller than {limit} bytes; send fewer records per request."));

    public static Task WriteHeaderTooLargeAsync(HttpContext context, string header, int bytes, int limit) =>
        WriteErrorAsync(
            context,
            StatusCodes.Status400BadRequest,
            "Request header too large to keep!",
            string.Create(
                CultureInfo.InvariantCulture,
                $"Header '{header}' is {bytes} bytes long; this source keeps it with each record, and a kept header holds at most {limit} bytes. Nothing was stored."));

    public static Task WriteOverloadedAsync(HttpContext context, TimeSpan retryAfter) =>
        WriteRetryLaterAsync(context, retryAfter, "Service unavailable: the ingest queue is full.", "Nothing was stored.");

    /// <summary>
    /// The answer to an append the writer did not acknowledge: 503 with Retry-After when the queue is full or the buffer is
    /// unreachable, 413 when one record is larger than the buffer takes. Nothing was stored in either case.
    /// </summary>
    public static Task WriteNotAcceptedAsync(HttpContext context, AppendOutcome outcome, TimeSpan retryAfter) => outcome switch
    {
        AppendOutcome.Overloaded => WriteOverloadedAsync(context, retryAfter),
        AppendOutcome.TooLarge => WriteErrorAsync(
            context,
            StatusCodes.Status413PayloadTooLarge,
            "Request rejected: a record is larger than the buffer takes",
            "One record of this request is larger than the NATS servers' max_payload; set max_payload: 24MB on every server or send smaller records. Nothing was stored."),
        _ => WriteUnavailableAsync(context, retryAfter),
    };

    public static Task WriteUnavailableAsync(HttpContext context, TimeSpan retryAfter) =>
        WriteRetryLaterAsync(context, retryAfter, "Service unavailable: the buffer cannot store records right now.", "Nothing was acknowledged.");

    /// <summary>503 with <c>Retry-After</c> (whole seconds, at least 1), said again in the error.</summary>
    private static Task WriteRetryLaterAsync(HttpContext context, TimeSpan retryAfter, string message, string stored)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return WriteErrorAsync(
            context, StatusCodes.Status503ServiceUnavailable, message, string.Create(CultureInfo.InvariantCulture, $"{stored} Retry after {seconds} s."));
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string message, string error)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", "ERROR");
            json.WriteString("message", message);
            json.WriteString("error", error);
            json.WriteEndObject();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        return context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }
}
