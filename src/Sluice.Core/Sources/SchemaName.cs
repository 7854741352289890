using System.Globalization;
using System.Text;

namespace Sluice.Core.Sources;

/// <summary>
/// The destination schema of a source (BEHAVIOUR.md §1.2): derived from the display name unless given,
/// and then held to PostgreSQL's identifier rules so that every destination can create it.
/// </summary>
public static class SchemaName
{
    public const int MaxLength = 63;

    /// <summary>Lowercase, remove <c>.</c>, <c>(</c> and <c>)</c>, replace spaces and <c>-</c> with <c>_</c>. Not validated.</summary>
    public static string FromDisplayName(string displayName)
    {
        ArgumentNullException.ThrowIfNull(displayName);
        var builder = new StringBuilder(displayName.Length);
        foreach (var c in displayName.Trim().ToLower(CultureInfo.InvariantCulture))
        {
            switch (c)
            {
                case '.' or '(' or ')':
                    break;
                case ' ' or '-':
                    builder.Append('_');
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Null when <paramref name="name"/> is a usable schema name, else why not (what is allowed).</summary>
    public static string? Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return "The schema name is empty; it must start with a letter or '_' and contain only a-z, 0-9 and '_'.";
        }

        if (name.Length > MaxLength)
        {
            return $"The schema name '{name}' is {name.Length} characters long; at most {MaxLength} are allowed.";
        }

        if (!(IsLowerLetter(name[0]) || name[0] == '_'))
        {
            return $"The schema name '{name}' must start with a lowercase letter (a-z) or '_'.";
        }

        foreach (var c in name)
        {
            if (!(IsLowerLetter(c) || c is >= '0' and <= '9' || c == '_'))
            {
                return $"The schema name '{name}' contains '{c}'; only lowercase letters a-z, digits 0-9 and '_' are allowed.";
            }
        }

        if (name.StartsWith("_sdc", StringComparison.Ordinal) || name.StartsWith("_rjm", StringComparison.Ordinal))
        {
            return $"The schema name '{name}' starts with a reserved prefix ('_sdc' and '_rjm' are reserved).";
        }

        if (name == "_sluice")
        {
            return "The schema name '_sluice' is reserved for Sluice's own tables.";
        }

        // PostgreSQL refuses to create schemas named pg_*, and these names are the engines' own catalogs.
        if (name.StartsWith("pg_", StringComparison.Ordinal) || name is "information_schema" or "temp" or "system")
        {
            return $"The schema name '{name}' is reserved by the database engines (pg_*, information_schema, temp, system); give another schema name with 'name'.";
        }

        return null;
    }

    private static bool IsLowerLetter(char c) => c is >= 'a' and <= 'z';
}
