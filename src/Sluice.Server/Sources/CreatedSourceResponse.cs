namespace Sluice.Server.Sources;

/// <summary>The source object plus its first webhook URL: the only response that ever shows that URL.</summary>
public sealed record CreatedSourceResponse : SourceResponse
{
    private CreatedSourceResponse(SourceResponse source, string webhookUrl, long webhookTokenId)
        : base(source)
    {
        WebhookUrl = webhookUrl;
        WebhookTokenId = webhookTokenId;
    }

    public string WebhookUrl { get; }

    public long WebhookTokenId { get; }

    public static CreatedSourceResponse From(CreatedSource created, string webhookUrl)
    {
        ArgumentNullException.ThrowIfNull(created);
        return new CreatedSourceResponse(From(created.Source), webhookUrl, created.FirstToken.Row.Id);
    }
}
