namespace Sluice.Core.Sources;

/// <summary>
/// The optional primary key of an Incoming Webhooks source (BEHAVIOUR.md §1.7): one top-level field name, at most 50
/// characters; or, as Stitch writes SendGrid's, several joined by <c>:</c> (<c>event:email:timestamp</c>), a composite key.
/// </summary>
public static class PrimaryKeyRule
{
    public const int MaxLength = 50;

    public const char CompositeSeparator = ':';

    /// <summary>The key's fields, in order: one, or the parts of a composite key.</summary>
    public static IReadOnlyList<string> Fields(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Split(CompositeSeparator);
    }

    private static readonly char[] PathCharacters = ['.', '[', ']', '/'];

    /// <summary>Null when <paramref name="fieldName"/> can be a primary key, else why not (what is allowed).</summary>
    public static string? Validate(string fieldName)
    {
        ArgumentNullException.ThrowIfNull(fieldName);
        if (string.IsNullOrWhiteSpace(fieldName))
        {
            return "webhookz_primary_key must be the name of a top-level field; it is empty. Leave it out for an append-only table.";
        }

        if (fieldName.Length > MaxLength)
        {
            return $"webhookz_primary_key '{fieldName}' is {fieldName.Length} characters long; at most {MaxLength} are allowed.";
        }

        if (fieldName.Split(CompositeSeparator).Any(string.IsNullOrWhiteSpace))
        {
            return $"webhookz_primary_key '{fieldName}' has an empty part; a composite key joins top-level fields with ':', e.g. event:email:timestamp.";
        }

        var at = fieldName.IndexOfAny(PathCharacters);
        if (at >= 0)
        {
            return $"webhookz_primary_key '{fieldName}' contains '{fieldName[at]}'; it must be a top-level field name, not a path into a nested object or array.";
        }

        return null;
    }
}
