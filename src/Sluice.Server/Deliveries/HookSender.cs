using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Sluice.Core.Hooks;
using Sluice.Server.Hooks;
using Sluice.Storage;

namespace Sluice.Server.Deliveries;

/// <summary>
/// Sends one attempt of a delivery: POST with <c>Content-Type: application/json</c>, <c>User-Agent: StitchLoadingWebhook</c>
/// and the Standard Webhooks headers, through one shared <see cref="SocketsHttpHandler"/> (pooled keep-alive connections,
/// no proxy, no redirects, the SSRF guard in its connect step). Every outcome is a value: a 2xx, or the error to record.
/// </summary>
public sealed class HookSender : IDisposable
{
    public const string UserAgent = "StitchLoadingWebhook";

    /// <summary>Said after a permanent failure: no retry follows, and what to do.</summary>
    public const string NotRetried = "Not retried: fix the hook's URL (or the setting), then replay the delivery.";
    private const int ErrorBodyLimit = 300;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _client;
    private readonly TimeProvider _time;
    private readonly HooksOptions _options;

    public HookSender(IOptions<HooksOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            ConnectTimeout = _options.Timeout,
            ConnectCallback = new HookAddressGuard(_options.AllowPrivateNetworks).ConnectAsync,
        };
        if (!string.IsNullOrWhiteSpace(_options.TrustedCertificatePath))
        {
            handler.SslOptions.RemoteCertificateValidationCallback = new HookCertificateTrust(_options.TrustedCertificatePath).Validate;
        }

        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    /// <summary>One attempt. Cancellation by <paramref name="cancellationToken"/> (shutdown) throws; everything else is a result.</summary>
    public async Task<AttemptResult> SendAsync(HookTarget hook, string webhookId, string payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var startedAt = ControlClock.Now(_time);
        if (!Uri.TryCreate(hook.Url, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (_options.AllowHttp && uri.Scheme == Uri.UriSchemeHttp)))
        {
            // E.g. an http:// hook saved while Hooks:AllowHttp was on, which is off now.
            return new AttemptResult(startedAt, 0, null, $"Not sent: {hook.Url} is not an https:// URL (http:// only with Hooks:AllowHttp). {NotRetried}", Permanent: true);
        }

        var started = _time.GetTimestamp();
        var timestamp = _time.GetUtcNow();
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        int? status = null;
        string? error;
        var permanent = false;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url);
            request.Version = System.Net.HttpVersion.Version11;
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(payload));
            request.Content.Headers.ContentType = Json;
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            request.Headers.TryAddWithoutValidation("webhook-id", webhookId);
            request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation("webhook-signature", HookSignature.Sign(hook.Secret, webhookId, timestamp, payload));
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            status = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null : await DescribeAsync(response, linked.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            error = status is null
                ? $"No response within {Seconds(_options.Timeout)} (Hooks:Timeout)."
                : $"Answered {status} but the body did not arrive within {Seconds(_options.Timeout)} (Hooks:Timeout).";
        }
        catch (Exception ex) when (ex is HttpRequestException or HookAddressRefusedException or System.Net.Sockets.SocketException or IOException or OperationCanceledException)
        {
            permanent = Refusal(ex) is { Permanent: true };
            error = Describe(ex) + (permanent ? " " + NotRetried : string.Empty);
        }

        var duration = (long)_time.GetElapsedTime(started).TotalMilliseconds;
        return new AttemptResult(startedAt, duration, status, error, permanent);
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = $"Answered {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        if ((int)response.StatusCode is >= 300 and < 400)
        {
            // Never followed: a public URL could pass the request on to an internal one the address guard would refuse.
            var location = response.Headers.Location is { } to ? $" to {to}" : string.Empty;
            text += $", a redirect{location}, not followed (hooks do not follow redirects; give the hook its final URL)";
        }
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[ErrorBodyLimit];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
            {
                read += n;
            }

            var body = Encoding.UTF8.GetString(buffer, 0, read).Trim();
            return body.Length == 0 ? text + "." : $"{text}: {body}";
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return text + ".";
        }
    }

    private static HookAddressRefusedException? Refusal(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HookAddressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    /// <summary>The refusal of the SSRF guard as it is; otherwise the exception chain's messages, most specific last.</summary>
    private static string Describe(Exception exception)
    {
        if (Refusal(exception) is { } refused)
        {
            return refused.Message;
        }

        var messages = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (!messages.Contains(e.Message) && !e.Message.Contains("see inner exception", StringComparison.OrdinalIgnoreCase))
            {
                messages.Add(e.Message.TrimEnd('.'));
            }
        }

        return messages.Count == 0 ? exception.GetType().Name : "Could not deliver: " + string.Join(": ", messages) + ".";
    }

    public void Dispose() => _client.Dispose();
}
