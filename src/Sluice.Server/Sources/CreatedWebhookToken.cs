using Sluice.Storage;

namespace Sluice.Server.Sources;

/// <summary>A new webhook token's row and the 64-hex token itself, which is shown only in this response.</summary>
public sealed record CreatedWebhookToken(WebhookToken Row, string Token);
