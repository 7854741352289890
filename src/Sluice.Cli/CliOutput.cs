using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Sluice.Cli;

/// <summary>What a command prints: text and tables for people, or the API's JSON with <c>--json</c>.</summary>
public sealed class CliOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly CliEnvironment _env;
    private IAnsiConsole? _console;

    public CliOutput(CliEnvironment env, bool json)
    {
        _env = env;
        Json = json;
    }

    /// <summary>True when <c>--json</c> was given: print only JSON on stdout.</summary>
    public bool Json { get; }

    public void WriteLine(string text) => _env.Out.WriteLine(text);

    public void WriteJson(JsonElement value) => _env.Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    public void WriteJson<T>(T value) => _env.Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    public void WriteTable(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header)));
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => (IRenderable)new Text(cell)));
        }

        Console.Write(table);
    }

    /// <summary>Two columns, field and value: for one object.</summary>
    public void WriteFields(IEnumerable<(string Field, string Value)> fields)
    {
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        foreach (var (field, value) in fields)
        {
            grid.AddRow(new Text(field), new Text(value));
        }

        Console.Write(grid);
    }

    /// <summary>Collapses a message to one line, so every error is exactly one line on stderr.</summary>
    public static string OneLine(string text)
    {
        return string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>A JSON value as a table cell: strings bare, null as <c>NULL</c>, objects and arrays as compact JSON.</summary>
    public static string Cell(JsonElement value)
    {
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() ?? string.Empty,
            JsonValueKind.Null or JsonValueKind.Undefined => "NULL",
            _ => value.GetRawText(),
        };
    }

    private IAnsiConsole Console => _console ??= CreateConsole();

    private IAnsiConsole CreateConsole()
    {
        var terminal = _env.IsTerminal;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(_env.Out),
        });

        // Piped output keeps whole lines (URLs, tokens) instead of wrapping at 80 columns.
        if (!terminal)
        {
            console.Profile.Width = 400;
        }

        return console;
    }
}
