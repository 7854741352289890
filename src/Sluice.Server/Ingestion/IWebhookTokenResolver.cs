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
}

/// <summary>
/// A live webhook token's source. <paramref name="IsActive"/> is false when the source is paused or deleted (answer 401).
/// <paramref name="Layout"/> says which request headers to keep with the records (<see cref="SourceLayout.StoredHeaders"/>);
/// null is <see cref="SourceLayout.Default"/>.
/// </summary>
public sealed record WebhookTarget(long ClientId, long SourceId, bool IsActive, SourceLayout? Layout = null);
