using System.Text.Json;

namespace Sluice.Server.Api;

/// <summary>
/// Reads small JSON request bodies of the Connect API field by field, so every mistake gets its own message
/// (malformed JSON, unknown field, wrong type) instead of a generic binding failure.
/// </summary>
internal sealed class JsonBody
{
    private const int MaxBytes = 1024 * 1024;

    private JsonBody(JsonElement root) => Root = root;

    public JsonElement Root { get; }

    /// <summary>The body as a JSON object, or an error. An empty body counts as <c>{}</c> when <paramref name="allowEmpty"/>.</summary>
    public static async Task<(JsonBody? Body, string? Error)> ReadObjectAsync(HttpRequest request, bool allowEmpty, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            return (null, $"The request body is {request.ContentLength} bytes; at most {MaxBytes} are allowed.");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBytes)
        {
            return (null, $"The request body is over {MaxBytes} bytes; at most {MaxBytes} are allowed.");
        }

        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
        {
            return allowEmpty
                ? (new JsonBody(JsonDocument.Parse("{}").RootElement), null)
                : (null, "The request body is empty; send a JSON object.");
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, $"The request body must be a JSON object, not {Describe(document.RootElement.ValueKind)}.");
            }

            return (new JsonBody(document.RootElement.Clone()), null);
        }
        catch (JsonException ex)
        {
            return (null, $"The request body is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>The first field not in <paramref name="allowed"/>, described as an error; null when all are known.</summary>
    public string? RejectUnknownFields(params string[] allowed)
    {
        foreach (var property in Root.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                return $"Unknown field '{property.Name}' in the request body; allowed fields: {string.Join(", ", allowed)}.";
            }
        }

        return null;
    }

    /// <summary>Reads an optional string field (absent or null gives null).</summary>
    public bool TryGetString(string name, out string? value, out string? error) =>
        TryGetString(Root, name, name, out value, out error);

    public static bool TryGetString(JsonElement parent, string name, string path, out string? value, out string? error) =>
        TryGet(parent, name, path, e => e.ValueKind == JsonValueKind.String, e => e.GetString(), "a string", out value, out error);

    /// <summary>Reads an optional boolean field (absent or null gives null).</summary>
    public bool TryGetBoolean(string name, out bool? value, out string? error) =>
        TryGet<bool?>(Root, name, name, e => e.ValueKind is JsonValueKind.True or JsonValueKind.False, e => e.GetBoolean(), "true or false", out value, out error);

    /// <summary>Reads an optional integer field (absent or null gives null).</summary>
    public bool TryGetInt64(string name, out long? value, out string? error) =>
        TryGet<long?>(Root, name, name, e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out _), e => e.GetInt64(), "an integer", out value, out error);

    /// <summary>Reads an optional object field (absent or null gives null).</summary>
    public bool TryGetObject(string name, out JsonElement? value, out string? error) =>
        TryGet<JsonElement?>(Root, name, name, e => e.ValueKind == JsonValueKind.Object, e => e, "a JSON object", out value, out error);

    private static bool TryGet<T>(
        JsonElement parent, string name, string path, Func<JsonElement, bool> accepts, Func<JsonElement, T> read, string expected, out T? value, out string? error)
    {
        value = default;
        error = null;
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (!accepts(element))
        {
            error = $"Field '{path}' must be {expected}, not {Describe(element.ValueKind)}.";
            return false;
        }

        value = read(element);
        return true;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "undefined",
    };
}
