using Sluice.Storage;

namespace Sluice.Server.Sources;

/// <summary>A new source and its first webhook token; the token is shown only in this response.</summary>
public sealed record CreatedSource(Source Source, CreatedWebhookToken FirstToken);
