using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Sluice.Core.Integrations;

/// <summary>A request as its signature sees it: the URL the provider posted to, headers, raw body and, for forms, the fields.</summary>
/// <param name="Header">A header's value by name (case-insensitive), or null when absent.</param>
public sealed record SignedRequest(string Method, string Url, Func<string, string?> Header, ReadOnlyMemory<byte> Body, IReadOnlyList<KeyValuePair<string, string>>? Form);

/// <summary>A refused signature: the header (or field) that was wrong and why, never the expected value.</summary>
public sealed record SignatureRefusal(string Header, string Reason);

/// <summary>
/// Checks a request against a provider's <see cref="SignatureRule"/> with each of the source's live secrets (the current one
/// and, while a rotation's overlap lasts, the previous one). Comparisons are in constant time.
/// </summary>
public static class WebhookSignatures
{
    /// <summary>Null when the request is signed with one of <paramref name="secrets"/>; else which header was wrong and why.</summary>
    public static SignatureRefusal? Verify(SignatureRule rule, SignedRequest request, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(secrets);
        if (rule.Kind == SignatureKind.Mailgun)
        {
            return VerifyMailgun(rule, request, secrets, now);
        }

        var value = request.Header(rule.Header);
        if (string.IsNullOrEmpty(value))
        {
            return new SignatureRefusal(rule.Header, $"{rule.Header} is missing; {Expected(rule)}.");
        }

        SignatureRefusal? last = null;
        foreach (var secret in secrets)
        {
            var refusal = rule.Kind switch
            {
                SignatureKind.BodyHmac => VerifyBody(rule, value, request, secret),
                SignatureKind.TimestampedHmac => VerifyTimestamped(rule, value, request, secret, now),
                SignatureKind.StripeLike => VerifyStripeLike(rule, value, request, secret, now),
                SignatureKind.StandardWebhooks => VerifyStandard(rule, value, request, secret, now),
                SignatureKind.UrlAndForm => VerifyUrlAndForm(rule, value, request, secret),
                SignatureKind.Ecdsa => VerifyEcdsa(rule, value, request, secret, now),
                SignatureKind.HubSpotV3 => VerifyHubSpot(rule, value, request, secret, now),
                SignatureKind.SharedToken => Equal(value, secret) ? null : Mismatch(rule, "does not match the source's signing secret"),
                SignatureKind.BasicAuth => VerifyBasic(rule, value, secret),
                _ => throw new InvalidOperationException($"Unknown signature kind {rule.Kind}."),
            };
            if (refusal is null)
            {
                return null;
            }

            last = refusal;
        }

        return last ?? new SignatureRefusal(rule.Header, $"{rule.Header} cannot be checked: the source has no signing secret.");
    }

    /// <summary>The HMAC of <paramref name="message"/> with <paramref name="key"/>, in the rule's algorithm.</summary>
    public static byte[] Hmac(SignatureAlgorithm algorithm, byte[] key, ReadOnlySpan<byte> message) =>
        algorithm == SignatureAlgorithm.Sha1 ? HMACSHA1.HashData(key, message) : HMACSHA256.HashData(key, message);

    private static string Expected(SignatureRule rule) => rule.Kind switch
    {
        SignatureKind.SharedToken => "the provider sends the secret token in it",
        SignatureKind.BasicAuth => "the provider sends the user and password set in its webhook settings",
        _ => $"the provider signs every request with the {rule.SecretLabel.ToLowerInvariant()}",
    };

    private static SignatureRefusal Mismatch(SignatureRule rule, string why) => new(rule.Header, $"{rule.Header} {why}.");

    private static SignatureRefusal? VerifyBody(SignatureRule rule, string value, SignedRequest request, string secret)
    {
        var expected = Hmac(rule.Algorithm, Encoding.UTF8.GetBytes(secret), request.Body.Span);
        return AnyMatches(rule, value, expected) ? null : Mismatch(rule, "does not match the body signed with the source's signing secret");
    }

    private static SignatureRefusal? VerifyTimestamped(SignatureRule rule, string value, SignedRequest request, string secret, DateTimeOffset now)
    {
        var header = rule.TimestampHeader!;
        var timestamp = request.Header(header);
        if (Stale(rule, header, timestamp, now, milliseconds: false) is { } stale)
        {
            return stale;
        }

        var message = Message(rule.MessageFormat, timestamp!, request.Body.Span);
        var expected = Hmac(rule.Algorithm, Encoding.UTF8.GetBytes(secret), message);
        return AnyMatches(rule, value, expected) ? null : Mismatch(rule, $"does not match the {header} and body signed with the source's signing secret");
    }

    private static SignatureRefusal? VerifyStripeLike(SignatureRule rule, string value, SignedRequest request, string secret, DateTimeOffset now)
    {
        string? timestamp = null;
        var signatures = new List<string>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal))
            {
                timestamp = part[2..];
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal))
            {
                signatures.Add(part[3..]);
            }
        }

        if (timestamp is null || signatures.Count == 0)
        {
            return Mismatch(rule, "must hold t=<unix time> and at least one v1=<signature>");
        }

        if (Stale(rule, rule.Header + " t=", timestamp, now, milliseconds: false) is { } stale)
        {
            return stale;
        }

        var expected = Hmac(rule.Algorithm, Encoding.UTF8.GetBytes(secret), Message("{timestamp}.{body}", timestamp, request.Body.Span));
        return signatures.Any(s => Matches(s, expected, SignatureEncoding.Hex)) ? null : Mismatch(rule, "has no v1 signature matching t and the body signed with the source's signing secret");
    }

    private static SignatureRefusal? VerifyStandard(SignatureRule rule, string value, SignedRequest request, string secret, DateTimeOffset now)
    {
        var id = request.Header("webhook-id");
        if (string.IsNullOrEmpty(id))
        {
            return new SignatureRefusal("webhook-id", "webhook-id is missing; Standard Webhooks senders sign webhook-id, webhook-timestamp and the body.");
        }

        var timestamp = request.Header("webhook-timestamp");
        if (Stale(rule, "webhook-timestamp", timestamp, now, milliseconds: false) is { } stale)
        {
            return stale;
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        }
        catch (FormatException)
        {
            return new SignatureRefusal(rule.Header, "The source's signing secret is not a Standard Webhooks secret (whsec_ followed by base64); set it again.");
        }

        var expected = Hmac(SignatureAlgorithm.Sha256, key, Message("{id}.{timestamp}.{body}".Replace("{id}", id, StringComparison.Ordinal), timestamp!, request.Body.Span));
        foreach (var signature in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (signature.StartsWith("v1,", StringComparison.Ordinal) && Matches(signature[3..], expected, SignatureEncoding.Base64))
            {
                return null;
            }
        }

        return Mismatch(rule, "has no v1 signature matching webhook-id, webhook-timestamp and the body signed with the source's signing secret");
    }

    private static SignatureRefusal? VerifyUrlAndForm(SignatureRule rule, string value, SignedRequest request, string secret)
    {
        var message = new StringBuilder(request.Url);
        foreach (var field in (request.Form ?? []).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            message.Append(field.Key).Append(field.Value);
        }

        var expected = Hmac(SignatureAlgorithm.Sha1, Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message.ToString()));
        return Matches(value, expected, SignatureEncoding.Base64) ? null : Mismatch(rule, "does not match the webhook URL and form fields signed with the source's signing secret (is the URL the provider posts to exactly this source's URL?)");
    }

    private static SignatureRefusal? VerifyMailgun(SignatureRule rule, SignedRequest request, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        string? timestamp = null, token = null, signature = null;
        if (request.Form is { } form)
        {
            timestamp = form.FirstOrDefault(f => f.Key == "timestamp").Value;
            token = form.FirstOrDefault(f => f.Key == "token").Value;
            signature = form.FirstOrDefault(f => f.Key == "signature").Value;
        }
        else
        {
            try
            {
                using var document = JsonDocument.Parse(request.Body);
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("signature", out var signed) && signed.ValueKind == JsonValueKind.Object)
                {
                    timestamp = Text(signed, "timestamp");
                    token = Text(signed, "token");
                    signature = Text(signed, "signature");
                }
            }
            catch (JsonException)
            {
                // The body parser answers the malformed body; here it simply has no signature.
            }
        }

        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(token) || string.IsNullOrEmpty(signature))
        {
            return new SignatureRefusal(rule.Header, "signature.timestamp, signature.token and signature.signature are missing; Mailgun signs every webhook with the webhook signing key.");
        }

        if (Stale(rule, "signature.timestamp", timestamp, now, milliseconds: false) is { } stale)
        {
            return stale;
        }

        foreach (var secret in secrets)
        {
            var expected = Hmac(SignatureAlgorithm.Sha256, Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + token));
            if (Matches(signature, expected, SignatureEncoding.Hex))
            {
                return null;
            }
        }

        return new SignatureRefusal(rule.Header, "signature.signature does not match signature.timestamp and signature.token signed with the source's signing key.");
    }

    private static SignatureRefusal? VerifyEcdsa(SignatureRule rule, string value, SignedRequest request, string secret, DateTimeOffset now)
    {
        var header = rule.TimestampHeader!;
        var timestamp = request.Header(header);
        if (Stale(rule, header, timestamp, now, milliseconds: false) is { } stale)
        {
            return stale;
        }

        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(secret.Trim()), out _);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return new SignatureRefusal(rule.Header, "The source's verification key is not a base64 public key as the provider shows it; set it again.");
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(value.Trim());
        }
        catch (FormatException)
        {
            return Mismatch(rule, "is not base64");
        }

        var message = Message("{timestamp}{body}", timestamp!, request.Body.Span);
        bool valid;
        try
        {
            valid = key.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            valid = false;
        }

        return valid ? null : Mismatch(rule, $"is not a signature of {header} and the body by the source's verification key");
    }

    private static SignatureRefusal? VerifyHubSpot(SignatureRule rule, string value, SignedRequest request, string secret, DateTimeOffset now)
    {
        var header = rule.TimestampHeader!;
        var timestamp = request.Header(header);
        if (Stale(rule, header, timestamp, now, milliseconds: true) is { } stale)
        {
            return stale;
        }

        var prefix = Encoding.UTF8.GetBytes(request.Method.ToUpperInvariant() + request.Url);
        var message = new byte[prefix.Length + request.Body.Length + Encoding.UTF8.GetByteCount(timestamp!)];
        prefix.CopyTo(message, 0);
        request.Body.Span.CopyTo(message.AsSpan(prefix.Length));
        Encoding.UTF8.GetBytes(timestamp!, message.AsSpan(prefix.Length + request.Body.Length));
        var expected = Hmac(SignatureAlgorithm.Sha256, Encoding.UTF8.GetBytes(secret), message);
        return Matches(value, expected, SignatureEncoding.Base64) ? null : Mismatch(rule, "does not match the method, URL, body and timestamp signed with the app's client secret");
    }

    private static SignatureRefusal? VerifyBasic(SignatureRule rule, string value, string secret)
    {
        if (!value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Mismatch(rule, "is not HTTP Basic credentials");
        }

        string credentials;
        try
        {
            credentials = Encoding.UTF8.GetString(Convert.FromBase64String(value[6..].Trim()));
        }
        catch (FormatException)
        {
            return Mismatch(rule, "is not base64");
        }

        return Equal(credentials, secret) ? null : Mismatch(rule, "does not hold the user and password set for this source");
    }

    /// <summary>Null when <paramref name="timestamp"/> is a Unix time within the rule's tolerance of <paramref name="now"/>.</summary>
    private static SignatureRefusal? Stale(SignatureRule rule, string header, string? timestamp, DateTimeOffset now, bool milliseconds)
    {
        if (string.IsNullOrEmpty(timestamp))
        {
            return new SignatureRefusal(header, $"{header} is missing; the signature covers it.");
        }

        DateTimeOffset signedAt;
        if (long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
        {
            signedAt = milliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(unix, 253402300799999)) : DateTimeOffset.FromUnixTimeSeconds(Math.Min(unix, 253402300799));
        }
        else if (!DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out signedAt))
        {
            // Zendesk sends ISO 8601 (2026-12-06T10:00:00Z); the others Unix time.
            return new SignatureRefusal(header, $"{header} is not a Unix time in {(milliseconds ? "milliseconds" : "seconds")} or an ISO 8601 time.");
        }

        var tolerance = rule.Tolerance ?? TimeSpan.FromMinutes(5);
        var age = now - signedAt;
        if (age > tolerance || age < -tolerance)
        {
            return new SignatureRefusal(header,
                $"{header} is {Math.Abs((long)age.TotalSeconds)} s {(age > TimeSpan.Zero ? "old" : "ahead")}; at most {(long)tolerance.TotalSeconds} s are allowed (a replayed or delayed request, or the sender's clock).");
        }

        return null;
    }

    private static byte[] Message(string format, string timestamp, ReadOnlySpan<byte> body)
    {
        var at = format.IndexOf("{body}", StringComparison.Ordinal);
        var head = Encoding.UTF8.GetBytes(format[..at].Replace("{timestamp}", timestamp, StringComparison.Ordinal));
        var tail = Encoding.UTF8.GetBytes(format[(at + "{body}".Length)..].Replace("{timestamp}", timestamp, StringComparison.Ordinal));
        var message = new byte[head.Length + body.Length + tail.Length];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        tail.CopyTo(message, head.Length + body.Length);
        return message;
    }

    /// <summary>The header may hold several signatures separated by commas (PagerDuty during its own rotations).</summary>
    private static bool AnyMatches(SignatureRule rule, string value, byte[] expected)
    {
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith(rule.Prefix, StringComparison.OrdinalIgnoreCase) && Matches(part[rule.Prefix.Length..], expected, rule.Encoding))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Matches(string given, byte[] expected, SignatureEncoding encoding)
    {
        byte[] bytes;
        try
        {
            bytes = encoding == SignatureEncoding.Hex ? Convert.FromHexString(given.Trim()) : Convert.FromBase64String(given.Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(bytes, expected);
    }

    private static bool Equal(string given, string secret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(secret));

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
