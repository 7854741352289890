using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Sluice.Cli;

/// <summary>
/// The one-line text of a command line that does not parse. System.CommandLine's own texts name .NET types ("expected
/// type 'System.Int64'"), so they are said here.
/// </summary>
internal static class UsageErrorText
{
    public static string Describe(ParseResult parseResult)
    {
        if (parseResult.UnmatchedTokens.Count > 0)
        {
            return $"unknown command or argument '{parseResult.UnmatchedTokens[0]}'";
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
}
