namespace Sluice.Storage;

/// <summary>An integration (e.g. Incoming Webhooks) of an account, loading into schema <see cref="Name"/>.</summary>
public sealed class Source
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>The destination schema name; immutable, unique per account among sources not deleted.</summary>
    public required string Name { get; set; }

    /// <summary>Source type, e.g. <c>webhook.incoming-webhook</c>.</summary>
    public required string Type { get; set; }

    /// <summary>Top-level field that identifies a record (upsert), or null (append-only); immutable.</summary>
    public string? PrimaryKey { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? PausedAt { get; set; }

    public DateTime? DeletedAt { get; set; }

    /// <summary>Where a record's root table comes from: <c>header:&lt;Name&gt;</c> or <c>field:&lt;dotted.path&gt;</c>; null: <c>data</c>.</summary>
    public string? TableFrom { get; set; }

    /// <summary>The request headers kept as <c>_sdc_header_*</c> columns, as a JSON array of names; null: none.</summary>
    public string? CaptureHeaders { get; set; }

    /// <summary>Objects and arrays nested deeper than this are kept as JSON; null: no limit.</summary>
    public int? MaxDepth { get; set; }

    /// <summary>When a reload (rebuild from the raw archive) was asked for and not yet done.</summary>
    public DateTime? ReloadRequestedAt { get; set; }

    public DateTime? LastReloadAt { get; set; }

    public int? LastReloadVersion { get; set; }

    public long? LastReloadRecords { get; set; }

    public long? LastReloadRecovered { get; set; }

    /// <summary>
    /// The provider's signing secret (a branded integration's <c>signing_secret</c>), encrypted with ASP.NET Core Data
    /// Protection (it must be used to check signatures, so it cannot be hashed); null: requests are not checked.
    /// </summary>
    public string? SigningSecret { get; set; }

    /// <summary>The secret before the last change, still accepted until <see cref="PreviousSigningSecretUntil"/> (a rotation's overlap).</summary>
    public string? PreviousSigningSecret { get; set; }

    public DateTime? PreviousSigningSecretUntil { get; set; }

    /// <summary>Requests refused for a missing or wrong signature.</summary>
    public long SignatureRefusals { get; set; }

    public DateTime? LastSignatureRefusalAt { get; set; }

    /// <summary>Why the last refused request was refused (which header, what was wrong; never the expected value).</summary>
    public string? LastSignatureRefusal { get; set; }

    /// <summary>Why the last reload asked for did not run (the tables were left as they were); null when it ran.</summary>
    public string? LastReloadRefused { get; set; }
}
