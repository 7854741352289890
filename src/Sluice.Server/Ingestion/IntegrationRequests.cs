using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Sluice.Core.Integrations;
using Sluice.Server.Buffering;
using Sluice.Server.Hosting;

namespace Sluice.Server.Ingestion;

/// <summary>
/// What a branded integration's requests get beyond the generic endpoint (issue 17): the provider's body format (GitHub's
/// <c>payload</c> form field, Mandrill's <c>mandrill_events</c>, Twilio's and Mailgun's form fields), its signature checked
/// with the source's signing secret (401 naming the header, counted on the source), its URL handshake answered without
/// storing anything, and its documented drop rule.
/// </summary>
internal static class IntegrationRequests
{
    public static readonly byte[] FormFieldMissing = """{"status":"ERROR","message":"Form body without its JSON field."}"""u8.ToArray();

    /// <summary>Dropbox's <c>GET ?challenge=...</c>: the challenge back as text (and nothing else, as Dropbox asks).</summary>
    public static async Task AnswerGetChallengeAsync(HttpContext context)
    {
        var challenge = context.Request.Query["challenge"].ToString();
        if (challenge.Length == 0)
        {
            await IngestResponses.WriteAsync(context, StatusCodes.Status400BadRequest,
                """{"status":"ERROR","message":"A GET to this URL is the provider's URL check and needs a challenge query parameter."}"""u8.ToArray());
            return;
        }

        context.Response.Headers.XContentTypeOptions = "nosniff";
        await IngestResponses.WriteAsync(context, StatusCodes.Status200OK, Encoding.UTF8.GetBytes(challenge), "text/plain");
    }

    /// <summary>Reads, decodes, checks and stores one request of <paramref name="target"/>'s integration.</summary>
    public static async Task HandleAsync(
        HttpContext context, WebhookTarget target, IIngestWriter writer, IWebhookTokenResolver resolver, IReadOnlyDictionary<string, string>? headers,
        IngestOptions options, TimeProvider time)
    {
        var integration = target.Integration!;
        var request = context.Request;
        using var body = await RequestBody.ReadAsync(request, options.MaxBodyBytes, context.RequestAborted);
        if (body.IsTooLarge)
        {
            context.Response.Headers.Connection = "close";
            await IngestResponses.WriteTooLargeAsync(context, body.DeclaredSize, options.MaxBodyBytes);
            return;
        }

        // 1. The body as the provider sends it: JSON, or a form that holds it.
        List<KeyValuePair<string, string>>? form = null;
        ReadOnlyMemory<byte> json = body.Memory;
        var contentType = request.ContentType;
        if (contentType is not null && contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            await IngestResponses.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, IngestResponses.UnsupportedMediaType);
            return;
        }

        if (contentType is not null && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            if (integration.Body == BodyFormat.Json)
            {
                await IngestResponses.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, IngestResponses.UnsupportedMediaType);
                return;
            }

            form = ReadForm(body.Span);
            var decoded = FromForm(integration, form, out var missing);
            if (decoded is null)
            {
                await IngestResponses.WriteMalformedAsync(context, missing!);
                return;
            }

            json = decoded;
        }

        // 2. The signature, over the bytes exactly as they arrived.
        var now = time.GetUtcNow();
        if (integration.Signature is { } rule && target.Secrets is { } secrets)
        {
            var signed = new SignedRequest(request.Method, SignedUrl(context), name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null, body.Memory, form);
            if (WebhookSignatures.Verify(rule, signed, secrets.Live(now.UtcDateTime), now) is { } refusal)
            {
                await resolver.NoteSignatureRefusedAsync(target.SourceId, refusal.Reason, CancellationToken.None);
                await WriteRefusedAsync(context, refusal);
                return;
            }
        }

        var parsed = IngestBodyParser.Parse(json.Span, options.MaxDepth);
        if (!parsed.Succeeded)
        {
            await IngestResponses.WriteMalformedAsync(context, parsed.Error!);
            return;
        }

        // 3. The provider's URL check: answered, not stored.
        if (parsed.Records.Length == 1 && await TryHandshakeAsync(context, integration, target, json[parsed.Records[0]]))
        {
            return;
        }

        // 4. The records, less those the provider's documented layout does not keep.
        var records = integration.Drop is { } drop ? parsed.Records.Where(r => !Dropped(drop, json.Span[r])).ToArray() : parsed.Records;
        if (records.Length > 0)
        {
            var outcome = await writer.AppendAsync(target.SourceId, new Sluice.Core.Buffering.Utf8Records(json, records), headers, context.RequestAborted);
            if (outcome != AppendOutcome.Accepted)
            {
                await IngestResponses.WriteNotAcceptedAsync(context, outcome, options.RetryAfter);
                return;
            }
        }

        await IngestResponses.WriteAsync(context, StatusCodes.Status200OK, IngestResponses.Accepted);
    }

    /// <summary>The URL the provider posted to, as it signs it: the public base URL when one is configured, else as the request arrived.</summary>
    private static string SignedUrl(HttpContext context)
    {
        var request = context.Request;
        var configured = context.RequestServices.GetRequiredService<IOptions<SluiceOptions>>().Value.PublicBaseUrl;
        var origin = string.IsNullOrWhiteSpace(configured) ? $"{request.Scheme}://{request.Host}" : configured.TrimEnd('/');
        return origin + request.PathBase + request.Path + request.QueryString;
    }

    private static List<KeyValuePair<string, string>> ReadForm(ReadOnlySpan<byte> body)
    {
        var fields = new List<KeyValuePair<string, string>>();
        using var reader = new FormReader(Encoding.UTF8.GetString(body));
        while (reader.ReadNextPair() is { } pair)
        {
            fields.Add(pair);
        }

        return fields;
    }

    /// <summary>The JSON a form carries for <paramref name="integration"/>; null with the reason when the field it needs is missing.</summary>
    private static byte[]? FromForm(Integration integration, List<KeyValuePair<string, string>> form, out string? missing)
    {
        missing = null;
        switch (integration.Body)
        {
            case BodyFormat.JsonOrPayloadField:
            case BodyFormat.MandrillEvents:
                var field = integration.Body == BodyFormat.MandrillEvents ? "mandrill_events" : "payload";
                var value = form.FirstOrDefault(f => f.Key == field).Value;
                if (value is null)
                {
                    missing = $"The form body has no '{field}' field; {integration.DisplayName} sends its JSON in it. Fields sent: {string.Join(", ", form.Select(f => f.Key).Distinct().Take(10))}.";
                    return null;
                }

                return Encoding.UTF8.GetBytes(value);
            default:
                // Each field a string column; a field sent more than once, an array of its values.
                var buffer = new ArrayBufferWriter<byte>(256);
                using (var json = new Utf8JsonWriter(buffer))
                {
                    json.WriteStartObject();
                    foreach (var group in form.GroupBy(f => f.Key, StringComparer.Ordinal))
                    {
                        var values = group.Select(f => f.Value).ToList();
                        if (values.Count == 1)
                        {
                            json.WriteString(group.Key, values[0]);
                        }
                        else
                        {
                            json.WriteStartArray(group.Key);
                            values.ForEach(json.WriteStringValue);
                            json.WriteEndArray();
                        }
                    }

                    json.WriteEndObject();
                }

                return buffer.WrittenSpan.ToArray();
        }
    }

    private static async Task<bool> TryHandshakeAsync(HttpContext context, Integration integration, WebhookTarget target, ReadOnlyMemory<byte> record)
    {
        if (integration.Handshake is not (Handshake.SlackUrlVerification or Handshake.ZoomUrlValidation))
        {
            return false;
        }

        byte[]? answer;
        using (var document = JsonDocument.Parse(record))
        {
            var root = document.RootElement;
            answer = integration.Handshake == Handshake.SlackUrlVerification
                ? SlackChallenge(root)
                : ZoomValidation(root, target.Secrets?.Current, out var noSecret) ?? (noSecret ? [] : null);
        }

        if (answer is null)
        {
            return false;
        }

        if (answer.Length == 0)
        {
            await IngestResponses.WriteAsync(context, StatusCodes.Status400BadRequest,
                """{"status":"ERROR","message":"Zoom's endpoint.url_validation needs the app's Secret Token: set it as this integration's signing secret, then validate again."}"""u8.ToArray());
            return true;
        }

        await IngestResponses.WriteAsync(context, StatusCodes.Status200OK, answer);
        return true;
    }

    private static byte[]? SlackChallenge(JsonElement root) =>
        root.TryGetProperty("type", out var type) && type.ValueEquals("url_verification")
        && root.TryGetProperty("challenge", out var challenge) && challenge.ValueKind == JsonValueKind.String
            ? JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["challenge"] = challenge.GetString()! })
            : null;

    private static byte[]? ZoomValidation(JsonElement root, string? secret, out bool noSecret)
    {
        noSecret = false;
        if (!root.TryGetProperty("event", out var name) || !name.ValueEquals("endpoint.url_validation")
            || !root.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object
            || !payload.TryGetProperty("plainToken", out var token) || token.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        if (secret is null)
        {
            noSecret = true;
            return null;
        }

        var plain = token.GetString()!;
        var encrypted = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(plain)));
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["plainToken"] = plain, ["encryptedToken"] = encrypted });
    }

    private static bool Dropped(DropRule rule, ReadOnlySpan<byte> record)
    {
        var reader = new Utf8JsonReader(record);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        return root.TryGetProperty(rule.Field, out var value) && value.ValueKind == JsonValueKind.String && value.ValueEquals(rule.Value)
            && (!root.TryGetProperty(rule.MissingField, out var missing) || missing.ValueKind == JsonValueKind.Null);
    }

    private static Task WriteRefusedAsync(HttpContext context, SignatureRefusal refusal)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", "ERROR");
            json.WriteString("message", "Signature check failed; nothing was stored.");
            json.WriteString("header", refusal.Header);
            json.WriteString("error", refusal.Reason);
            json.WriteEndObject();
        }

        return IngestResponses.WriteAsync(context, StatusCodes.Status401Unauthorized, buffer.WrittenSpan.ToArray());
    }
}
