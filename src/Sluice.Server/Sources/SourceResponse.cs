using Sluice.Core.Sources;
using Sluice.Storage;

namespace Sluice.Server.Sources;

/// <summary>
/// The Connect source object. <c>properties</c> holds what is set: <c>webhookz_primary_key</c>, <c>table_from</c>,
/// <c>capture_headers</c> (array), <c>max_depth</c>; <c>{}</c> when none. <c>reload_requested_at</c> is set while a reload waits.
/// The signing secret is write-only: <c>signing_secret_set</c> says whether there is one, the secret itself is never returned;
/// <c>signature_refusals</c> counts requests refused for their signature, the last with its reason.
/// </summary>
public record SourceResponse(
    long Id,
    long StitchClientId,
    string Name,
    string DisplayName,
    string Type,
    IReadOnlyDictionary<string, object> Properties,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? PausedAt,
    DateTime? DeletedAt,
    DateTime? ReloadRequestedAt)
{
    public bool SigningSecretSet { get; init; }

    public DateTime? PreviousSigningSecretUntil { get; init; }

    public long SignatureRefusals { get; init; }

    public DateTime? LastSignatureRefusalAt { get; init; }

    public string? LastSignatureRefusal { get; init; }

    public static SourceResponse From(Source source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var properties = new Dictionary<string, object>(StringComparer.Ordinal);
        if (source.PrimaryKey is not null)
        {
            properties[SourceTypes.PrimaryKeyProperty] = source.PrimaryKey;
        }

        if (source.TableFrom is not null)
        {
            properties[SourceProperties.TableFrom] = source.TableFrom;
        }

        if (source.CaptureHeaders is not null)
        {
            properties[SourceProperties.CaptureHeaders] = StoredLayout.Headers(source.CaptureHeaders);
        }

        if (source.MaxDepth is { } depth)
        {
            properties[SourceProperties.MaxDepth] = depth;
        }

        return new SourceResponse(
            source.Id,
            source.AccountId,
            source.Name,
            source.DisplayName,
            source.Type,
            properties,
            source.CreatedAt,
            source.UpdatedAt,
            source.PausedAt,
            source.DeletedAt,
            source.ReloadRequestedAt)
        {
            SigningSecretSet = source.SigningSecret is not null,
            PreviousSigningSecretUntil = source.PreviousSigningSecret is null ? null : source.PreviousSigningSecretUntil,
            SignatureRefusals = source.SignatureRefusals,
            LastSignatureRefusalAt = source.LastSignatureRefusalAt,
            LastSignatureRefusal = source.LastSignatureRefusal,
        };
    }
}
