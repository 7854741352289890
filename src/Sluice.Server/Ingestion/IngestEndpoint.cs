using System.Globalization;
using Microsoft.Extensions.Options;
using Sluice.Core.Buffering;
using Sluice.Server.Buffering;
using Sluice.Server.Operations;

namespace Sluice.Server.Ingestion;

/// <summary>
/// <c>/v1/clients/{client_id}/token/{token}</c>: POST stores the body's records and answers 200 only once they are durable.
/// A plain request delegate rather than a typed minimal-API handler: it is the hot path and answers with fixed bodies.
/// </summary>
public sealed class IngestEndpoint(IIngestWriter writer, IWebhookTokenResolver resolver, IOptions<IngestOptions> options, SluiceMetrics metrics, TimeProvider time)
{
    public const string Route = "/v1/clients/{client_id}/token/{token}";

    private readonly IngestOptions _options = options.Value;

    private readonly IIngestWriter _writer = new MeteredIngestWriter(writer, metrics);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var isHead = HttpMethods.IsHead(request.Method);
        var isGet = HttpMethods.IsGet(request.Method);
        if (!isHead && !isGet && !HttpMethods.IsPost(request.Method))
        {
            context.Response.Headers.Allow = "POST, HEAD";
            await IngestResponses.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, IngestResponses.MethodNotAllowed, "text/plain");
            return;
        }

        // Authorization headers are ignored: the URL token is the only credential.
        var target = await ResolveAsync(context);
        if (target is null)
        {
            await IngestResponses.WriteAsync(context, StatusCodes.Status404NotFound, IngestResponses.NotFound);
            return;
        }

        if (!target.IsActive)
        {
            await IngestResponses.WriteAsync(context, StatusCodes.Status401Unauthorized, IngestResponses.Inactive);
            return;
        }

        if (isHead)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        if (isGet)
        {
            // Only a provider that checks its URL with a GET (Dropbox) is answered; for the others GET is not a method here.
            if (target.Integration?.Handshake == Core.Integrations.Handshake.GetChallenge)
            {
                await IntegrationRequests.AnswerGetChallengeAsync(context);
                return;
            }

            context.Response.Headers.Allow = "POST, HEAD";
            await IngestResponses.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, IngestResponses.MethodNotAllowed, "text/plain");
            return;
        }

        if (target.Integration is null && IsFormOrMultipart(request.ContentType))
        {
            await IngestResponses.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, IngestResponses.UnsupportedMediaType);
            return;
        }

        // Only a source whose layout keeps headers looks at them; every other request costs nothing more.
        IReadOnlyDictionary<string, string>? headers = null;
        if (target.Layout is { IsDefault: false } layout && layout.StoredHeaders is { Count: > 0 } names)
        {
            headers = CaptureHeaders(request.Headers, names, _options.MaxHeaderBytes, out var tooLarge);
            if (tooLarge is { } refused)
            {
                await IngestResponses.WriteHeaderTooLargeAsync(context, refused.Name, refused.Bytes, _options.MaxHeaderBytes);
                return;
            }
        }

        if (target.Integration is not null)
        {
            await IntegrationRequests.HandleAsync(context, target, _writer, resolver, headers, _options, time);
            return;
        }

        await StoreAsync(context, _writer, target.SourceId, headers, _options);
    }

    /// <summary>
    /// The request's values of <paramref name="names"/> (lowercased; header names are case-insensitive), by lowercased name,
    /// several values of one header joined with <c>", "</c>; a header the request lacks is left out; null when it has none
    /// of them. A value over <paramref name="maxBytes"/> of UTF-8 is refused rather than cut (<paramref name="tooLarge"/>).
    /// </summary>
    internal static Dictionary<string, string>? CaptureHeaders(IHeaderDictionary requestHeaders, IReadOnlyList<string> names, int maxBytes, out (string Name, int Bytes)? tooLarge)
    {
        tooLarge = null;
        Dictionary<string, string>? captured = null;
        foreach (var name in names)
        {
            if (!requestHeaders.TryGetValue(name, out var values) || values.Count == 0)
            {
                continue;
            }

            var value = values.Count == 1 ? values[0] ?? string.Empty : string.Join(", ", values.ToArray());
            var bytes = System.Text.Encoding.UTF8.GetByteCount(value);
            if (bytes > maxBytes)
            {
                tooLarge = (name, bytes);
                return null;
            }

            (captured ??= new Dictionary<string, string>(names.Count, StringComparer.Ordinal))[name] = value;
        }

        return captured;
    }

    /// <summary>
    /// Reads the body, splits it into records and appends them with <paramref name="headers"/> through <paramref name="writer"/>,
    /// answering 200 once they are durable (413, 400 or 503 otherwise).
    /// </summary>
    internal static async Task StoreAsync(
        HttpContext context, IIngestWriter writer, long sourceId, IReadOnlyDictionary<string, string>? headers, IngestOptions options)
    {
        using (var body = await RequestBody.ReadAsync(context.Request, options.MaxBodyBytes, context.RequestAborted))
        {
            if (body.IsTooLarge)
            {
                // Do not wait for (or drain) the rest of an oversized body.
                context.Response.Headers.Connection = "close";
                await IngestResponses.WriteTooLargeAsync(context, body.DeclaredSize, options.MaxBodyBytes);
                return;
            }

            var parsed = IngestBodyParser.Parse(body.Span, options.MaxDepth);
            if (!parsed.Succeeded)
            {
                await IngestResponses.WriteMalformedAsync(context, parsed.Error!);
                return;
            }

            // The writer stores the records straight from the body's buffer, so the body is returned to the pool only
            // after the append has completed (an accepted append always completes: committed or failed).
            var outcome = await writer.AppendAsync(sourceId, new Utf8Records(body.Memory, parsed.Records), headers, context.RequestAborted);
            if (outcome != AppendOutcome.Accepted)
            {
                await IngestResponses.WriteNotAcceptedAsync(context, outcome, options.RetryAfter);
                return;
            }

            if (System.Diagnostics.Activity.Current is { IsAllDataRequested: true } span)
            {
                // The request's span (tracing on): which source, and how many records it made durable.
                span.SetTag("sluice.source_id", sourceId);
                span.SetTag("sluice.records", parsed.Records.Length);
            }
        }

        await IngestResponses.WriteAsync(context, StatusCodes.Status200OK, IngestResponses.Accepted);
    }

    private async ValueTask<WebhookTarget?> ResolveAsync(HttpContext context)
    {
        var routeValues = context.Request.RouteValues;
        if (routeValues["client_id"] is not string clientText
            || !long.TryParse(clientText, NumberStyles.None, CultureInfo.InvariantCulture, out var clientId)
            || routeValues["token"] is not string token
            || !IsTokenShaped(token))
        {
            return null;
        }

        return await resolver.ResolveAsync(clientId, token, context.RequestAborted);
    }

    /// <summary>64 lowercase hex characters; anything else cannot be a token, so the store is not asked.</summary>
    private static bool IsTokenShaped(string token)
    {
        if (token.Length != 64)
        {
            return false;
        }

        foreach (var c in token)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsFormOrMultipart(string? contentType) =>
        contentType is not null
        && (contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase));
}
