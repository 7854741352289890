using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Cli.Api;

/// <summary>
/// The Connect API of a running server, seen from the CLI: JSON in and out, and every failure (unreachable server,
/// refused token, API error) turned into a <see cref="CliException"/> whose message says what to do.
/// </summary>
public sealed class ApiClient : IDisposable
{
    private readonly ServerConnection _connection;
    private readonly HttpClient _http;

    /// <param name="timeout">How long a call may take (default 100 s; <see cref="Timeout.InfiniteTimeSpan"/> for a backup).</param>
    public ApiClient(ServerConnection connection, TimeSpan? timeout = null)
    {
        _connection = connection;
        _http = new HttpClient { BaseAddress = connection.BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("sluice-cli");
    }

    private string Server => _connection.BaseAddress.GetLeftPart(UriPartial.Authority);

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<JsonElement> PostAsync(string path, JsonNode? body, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, path, body, cancellationToken);

    public Task<JsonElement> PutAsync(string path, JsonNode body, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Put, path, body, cancellationToken);

    public Task<JsonElement> DeleteAsync(string path, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    public void Dispose() => _http.Dispose();

    /// <summary>A POST whose successful answer is read as a stream (the caller disposes it); failures as for JSON calls.</summary>
    public async Task<HttpResponseMessage> PostForStreamAsync(string path, CancellationToken cancellationToken)
    {
        var response = await SendRawAsync(HttpMethod.Post, path, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new CliException(DescribeFailure(HttpMethod.Post, path.TrimStart('/'), response.StatusCode, text));
        }
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        var relative = path.TrimStart('/');
        var response = await SendRawAsync(method, path, body, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new CliException(DescribeFailure(method, relative, response.StatusCode, text));
            }

            try
            {
                using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
                return document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new CliException($"server at {Server} answered {method} /{relative} with something that is not JSON: {Excerpt(text)}", e);
            }
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(
        HttpMethod method, string path, JsonNode? body, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        // Relative to the base address, so a server mounted under a path prefix keeps it.
        var relative = path.TrimStart('/');
        using var request = new HttpRequestMessage(method, relative);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        try
        {
            return await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"server at {Server} is not reachable ({Reason(e)}); start it with 'sluice serve'", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"server at {Server} did not answer {method} /{relative} within {_http.Timeout.TotalSeconds:0} s", e);
        }
    }

    private string DescribeFailure(HttpMethod method, string path, HttpStatusCode status, string body)
    {
        var code = (int)status;
        var message = ErrorMessage(body) is { } m ? CliOutput.OneLine(m) : null;
        if (status == HttpStatusCode.Unauthorized)
        {
            return $"the server refused the API token from {_connection.TokenOrigin} (HTTP 401{(message is null ? string.Empty : ": " + message)})";
        }

        if (message is null && status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            return $"the server at {Server} has no endpoint {method} /{path} (HTTP {code}); it may be older than this CLI";
        }

        return $"{message ?? Excerpt(body)} (HTTP {code})";
    }

    /// <summary>The message of a <c>{"error":{"message":..}}</c> body, or of a problem-details body; null if neither.</summary>
    private static string? ErrorMessage(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            // Connect's notifications API: {"data":{"message":".."},"error":"InvalidBody"}.
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("message", out var dataMessage) && dataMessage.ValueKind == JsonValueKind.String)
            {
                return dataMessage.GetString();
            }

            if (root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    return m.GetString();
                }

                if (error.ValueKind == JsonValueKind.String)
                {
                    return error.GetString();
                }
            }

            foreach (var name in new[] { "message", "detail", "title" })
            {
                if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString();
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Excerpt(string text)
    {
        var line = CliOutput.OneLine(text);
        return line.Length == 0 ? "(empty body)" : line.Length <= 200 ? line : line[..200] + "...";
    }

    private static string Reason(HttpRequestException e)
    {
        if (e.InnerException is SocketException socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host name not found",
                SocketError.TimedOut => "connection timed out",
                SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
                _ => socket.Message.ToLowerInvariant(),
            };
        }

        return e.HttpRequestError switch
        {
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.NameResolutionError => "host name not found",
            _ => CliOutput.OneLine(e.InnerException?.Message ?? e.Message),
        };
    }
}
