using Sluice.Server.Accounts;

namespace Sluice.Server.Api;

/// <summary>The source object plus its first webhook URL: the only response that ever shows that URL.</summary>
public sealed record CreatedSourceResponse(
    long Id,
    long StitchClientId,
    string Name,
    string DisplayName,
    string Type,
    IReadOnlyDictionary<string, string> Properties,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? PausedAt,
    DateTime? DeletedAt,
    string WebhookUrl,
    long WebhookTokenId)
    : SourceResponse(Id, StitchClientId, Name, DisplayName, Type, Properties, CreatedAt, UpdatedAt, PausedAt, DeletedAt)
{
    public static CreatedSourceResponse From(CreatedSource created, string webhookUrl)
    {
        ArgumentNullException.ThrowIfNull(created);
        var s = created.Source;
        return new CreatedSourceResponse(
            s.Id, s.AccountId, s.Name, s.DisplayName, s.Type, PropertiesOf(s), s.CreatedAt, s.UpdatedAt, s.PausedAt, s.DeletedAt,
            webhookUrl, created.FirstToken.Row.Id);
    }
}
