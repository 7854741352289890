using Sluice.Core.Integrations;
using Sluice.Core.Sources;

namespace Sluice.Server.Ingestion;

/// <summary>Finds the source a webhook URL's token belongs to. Implemented by the control plane (Accounts/).</summary>
public interface IWebhookTokenResolver
{
    /// <summary>
    /// The source of <paramref name="token"/> (64 lowercase hex characters) when it is live and belongs to
    /// <paramref name="clientId"/>; null for an unknown or revoked token, or a token of another account.
    /// Compares hashes in constant time. Fast: called on every ingest request (cache, invalidated on revoke).
    /// </summary>
    ValueTask<WebhookTarget?> ResolveAsync(long clientId, string token, CancellationToken cancellationToken);

    /// <summary>Counts a request refused for its signature on the source, with why (shown in the source's settings).</summary>
    Task NoteSignatureRefusedAsync(long sourceId, string reason, CancellationToken cancellationToken);
}

/// <summary>
/// A live webhook token's source. <paramref name="IsActive"/> is false when the source is paused or deleted (answer 401).
/// <paramref name="Layout"/> says which request headers to keep with the records (<see cref="SourceLayout.StoredHeaders"/>);
/// null is <see cref="SourceLayout.Default"/>.
/// </summary>
public sealed record WebhookTarget(long ClientId, long SourceId, bool IsActive, SourceLayout? Layout = null)
{
    /// <summary>The source's integration (signature, handshake, body format, drop rule); null is the generic Incoming Webhooks.</summary>
    public Integration? Integration { get; init; }

    /// <summary>The source's signing secrets, decrypted; null when none is set (requests are not checked).</summary>
    public WebhookSecrets? Secrets { get; init; }
}

/// <summary>A source's signing secret and, during a rotation's overlap, the one before it (until <paramref name="PreviousUntil"/>).</summary>
public sealed record WebhookSecrets(string Current, string? Previous, DateTime? PreviousUntil)
{
    /// <summary>The secrets a request may be signed with at <paramref name="now"/>.</summary>
    public IReadOnlyList<string> Live(DateTime now) =>
        Previous is not null && PreviousUntil > now ? [Current, Previous] : [Current];
}
