using Sluice.Core.Sources;
using Sluice.Storage;

namespace Sluice.Server.Api;

/// <summary>The Connect source object. <c>properties</c> is <c>{}</c> when there is no primary key.</summary>
public record SourceResponse(
    long Id,
    long StitchClientId,
    string Name,
    string DisplayName,
    string Type,
    IReadOnlyDictionary<string, string> Properties,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? PausedAt,
    DateTime? DeletedAt)
{
    public static SourceResponse From(Source source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new SourceResponse(
            source.Id,
            source.AccountId,
            source.Name,
            source.DisplayName,
            source.Type,
            source.PrimaryKey is null
                ? new Dictionary<string, string>()
                : new Dictionary<string, string> { [SourceTypes.PrimaryKeyProperty] = source.PrimaryKey },
            source.CreatedAt,
            source.UpdatedAt,
            source.PausedAt,
            source.DeletedAt);
    }
}
