using System.Globalization;
using System.Text.Json.Serialization;
using Sluice.Storage;

namespace Sluice.Server.Hooks;

/// <summary>
/// The Connect hook object (BEHAVIOUR.md §7.3). <c>destination_id</c> is given both at the top level (as the create example
/// shows) and in <c>config</c> (as the object reference shows), as an integer in both. <c>config.secret</c> (beyond Stitch,
/// for Standard Webhooks signatures) is only in the create response.
/// </summary>
public sealed record HookResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("client_id")] long ClientId,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("config")] HookConfigResponse Config,
    [property: JsonPropertyName("destination_id")] long DestinationId,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("modified_at")] string ModifiedAt,
    [property: JsonPropertyName("disabled_at")] string? DisabledAt)
{
    public const int HookVersion = 1;

    public static HookResponse From(Hook hook, string? secret = null)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return new HookResponse(
            hook.Id,
            hook.AccountId,
            hook.Type,
            HookVersion,
            new HookConfigResponse(hook.Url, hook.DestinationId, secret),
            hook.DestinationId,
            Timestamp(hook.CreatedAt),
            Timestamp(hook.ModifiedAt),
            hook.DisabledAt is { } disabled ? Timestamp(disabled) : null);
    }

    /// <summary><c>YYYY-MM-DDTHH:MM:SSZ</c>, second precision, as Stitch's hook examples write them.</summary>
    public static string Timestamp(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

public sealed record HookConfigResponse(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("destination_id")] long DestinationId,
    [property: JsonPropertyName("secret"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret);

/// <summary><c>GET /hooks</c>: <c>{"post_load":[...]}</c>, disabled hooks included.</summary>
public sealed record HookListResponse([property: JsonPropertyName("post_load")] IReadOnlyList<HookResponse> PostLoad);
