using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Sluice.Cli;

/// <summary>
/// The one-line text of a command line that does not parse. System.CommandLine's own texts name .NET types ("expected
/// type 'System.Int64'") and its typo suggestions are written only by its own error action, so both are said here.
/// </summary>
internal static class UsageErrorText
{
    public static string Describe(ParseResult parseResult)
    {
        if (parseResult.UnmatchedTokens.Count > 0)
        {
            var token = parseResult.UnmatchedTokens[0];
            var suggestions = Suggestions(parseResult.CommandResult.Command, token);
            return suggestions.Count == 0
                ? $"unknown command or argument '{token}'"
                : $"unknown command or argument '{token}'. Did you mean {string.Join(" or ", suggestions.Select(s => $"'{s}'"))}?";
        }

        var error = parseResult.Errors[0];
        return NotANumber(error) ?? CliOutput.OneLine(error.Message);
    }

    /// <summary>"ID must be a whole number, got 'abc'" for a value of a whole-number argument or option that does not convert.</summary>
    private static string? NotANumber(ParseError error)
    {
        var (name, valueType, tokens) = error.SymbolResult switch
        {
            OptionResult option => (option.Option.Name, option.Option.ValueType, option.Tokens),
            ArgumentResult { Parent: OptionResult option } argument => (option.Option.Name, argument.Argument.ValueType, argument.Tokens),
            ArgumentResult argument => (argument.Argument.Name, argument.Argument.ValueType, argument.Tokens),
            _ => (string.Empty, typeof(void), (IReadOnlyList<Token>)[]),
        };
        if (tokens is not [var token, ..])
        {
            return null;
        }

        var type = Nullable.GetUnderlyingType(valueType) ?? valueType;
        (long Min, long Max)? range = type == typeof(long) ? (long.MinValue, long.MaxValue)
            : type == typeof(int) ? (int.MinValue, int.MaxValue)
            : null;
        if (range is not { } r || long.TryParse(token.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= r.Min && value <= r.Max)
        {
            return null;
        }

        var digits = token.Value.TrimStart('-').Length > 0 && token.Value.TrimStart('-').All(char.IsAsciiDigit);
        return digits
            ? string.Create(CultureInfo.InvariantCulture, $"{name} must be a whole number from {r.Min} to {r.Max}, got '{token.Value}'")
            : $"{name} must be a whole number, got '{token.Value}'";
    }

    /// <summary>The subcommands (or, for a token starting with '-', the options) of <paramref name="command"/> a typo away from <paramref name="token"/>.</summary>
    private static List<string> Suggestions(Command command, string token)
    {
        IEnumerable<string> candidates = token.StartsWith('-')
            ? command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
            : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
        var scored = candidates
            .Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Distance: Distance(token, c)))
            .Where(c => c.Distance <= Math.Max(1, Math.Min(c.Name.Length, token.Length) / 3))
            .ToList();
        if (scored.Count == 0)
        {
            return [];
        }

        var best = scored.Min(c => c.Distance);
        return [.. scored.Where(c => c.Distance == best).Select(c => c.Name).Order(StringComparer.Ordinal).Take(3)];
    }

    /// <summary>Edits (insert, delete, substitute, swap two neighbours) that turn <paramref name="a"/> into <paramref name="b"/>, ignoring case.</summary>
    private static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var before = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    current[j] = Math.Min(current[j], before[j - 2] + 1);
                }
            }

            (before, previous, current) = (previous, current, before);
        }

        return previous[b.Length];
    }
}
