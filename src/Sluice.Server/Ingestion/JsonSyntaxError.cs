using System.Globalization;
using System.Text;

namespace Sluice.Server.Ingestion;

/// <summary>
/// Says in plain words what is wrong with a body <see cref="System.Text.Json.Utf8JsonReader"/> refused, and where. The
/// reader's own messages name its options and internals ("Change the reader options", "isFinalBlock") and sometimes the
/// wrong thing (a body cut off after a number is "an invalid end of a number"), so only its position is used: the bytes
/// before it are valid JSON, and a scan of them says what was expected there.
/// </summary>
internal static class JsonSyntaxError
{
    private const int MaxShownWord = 20;

    /// <summary>The reason for a body (UTF-8, without BOM) the reader failed on at <paramref name="line"/>/<paramref name="bytePositionInLine"/> (both 0-based).</summary>
    public static string Describe(ReadOnlySpan<byte> body, long line, long bytePositionInLine)
    {
        var at = Offset(body, line, bytePositionInLine);
        if (IsWhitespace(body[at..]))
        {
            return IsWhitespace(body)
                ? "The body is empty: send a JSON object or an array of JSON objects."
                : NotJson(body, body.Length, "it ends in the middle of a value");
        }

        var state = Scan(body[..at]);
        if (state.InString)
        {
            return NotJson(body, at, InString(body, at, state));
        }

        var c = body[at];
        if (c == '/' && at + 1 < body.Length && body[at + 1] is (byte)'/' or (byte)'*')
        {
            return NotJson(body, at, "a comment is not allowed (JSON has no comments)");
        }

        if (c is (byte)'}' or (byte)']' && state.Last == ',')
        {
            return NotJson(body, state.LastAt, $"a trailing comma before '{(char)c}' is not allowed");
        }

        // The reader stops inside a number or literal it cannot finish (tru, 01, 1.): name the whole word.
        if (state.WordStart >= 0 && Word(body, state.WordStart) is var word && !IsValidPrimitive(word))
        {
            var shown = Show(word);
            return NotJson(body, state.WordStart, word[0] is (byte)'-' or (>= (byte)'0' and <= (byte)'9')
                ? $"{shown} is not a valid number"
                : $"{shown} is not a valid value (strings need double quotes; the literals are true, false and null)");
        }

        if (state.Depth == 0 && state.Last != '\0')
        {
            return NotJson(body, at, "there is more after the first JSON value; send one object, or one array of objects");
        }

        if (c == '\'')
        {
            return NotJson(body, at, "strings and property names need double quotes (\"), not single quotes");
        }

        return NotJson(body, at, $"{ShowChar(body, at)} is not allowed here: expected {Expected(state)}");
    }

    /// <summary>Where <paramref name="offset"/> is, as the reader counts: "(line 2, byte 6)", both from 1.</summary>
    public static string Position(ReadOnlySpan<byte> body, int offset)
    {
        var lineStart = body[..offset].LastIndexOf((byte)'\n') + 1;
        var line = body[..offset].Count((byte)'\n') + 1;
        return string.Create(CultureInfo.InvariantCulture, $"(line {line}, byte {offset - lineStart + 1})");
    }

    private static string NotJson(ReadOnlySpan<byte> body, int offset, string what) => $"The body is not valid JSON: {what} {Position(body, offset)}.";

    private static string InString(ReadOnlySpan<byte> body, int at, ScanState state)
    {
        if (state.EscapeAt >= 0 && at == state.EscapeAt + 1)
        {
            return $"'\\{ShowRaw(body, at)}' is not a valid escape in a string (allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)";
        }

        if (state.EscapeAt >= 0 && body[state.EscapeAt + 1] == 'u' && at <= state.EscapeAt + 5)
        {
            return "'\\u' in a string must be followed by four hex digits";
        }

        return body[at] < 0x20
            ? string.Create(CultureInfo.InvariantCulture, $"a control character (U+{body[at]:X4}) inside a string must be escaped, e.g. a line break as \\n")
            : $"{ShowChar(body, at)} is not allowed inside a string";
    }

    private static string Expected(ScanState state) => state.Last switch
    {
        '\0' => "a JSON object or an array of JSON objects",
        '{' => "a property name in double quotes, or '}'",
        '[' => "a value, or ']'",
        ':' => "a value",
        ',' => state.InObject ? "a property name in double quotes" : "a value",
        'n' => "':' after the property name",
        _ => state.InObject ? "',' or '}'" : "',' or ']'",
    };

    /// <summary>
    /// Where the reader stood at the end of <paramref name="valid"/> (JSON the reader accepted): how deep, inside a string
    /// or not, and the last thing outside strings: a structural character, 'n' for a property name, 'v' for the end of a value.
    /// </summary>
    private static ScanState Scan(ReadOnlySpan<byte> valid)
    {
        var containers = new Stack<bool>(); // true: object
        var state = new ScanState { WordStart = -1, EscapeAt = -1, LastAt = -1 };
        var stringIsName = false;
        var escaping = false;
        for (var i = 0; i < valid.Length; i++)
        {
            var b = valid[i];
            if (state.InString)
            {
                if (escaping)
                {
                    escaping = false;
                }
                else if (b == '\\')
                {
                    state.EscapeAt = i;
                    escaping = true;
                }
                else if (b == '"')
                {
                    state.InString = false;
                    state.EscapeAt = -1;
                    state.Last = stringIsName ? 'n' : 'v';
                    state.LastAt = i;
                }

                continue;
            }

            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                state.WordStart = -1;
                continue;
            }

            switch (b)
            {
                case (byte)'{' or (byte)'[':
                    containers.Push(b == '{');
                    break;
                case (byte)'}' or (byte)']':
                    containers.Pop();
                    break;
                case (byte)'"':
                    stringIsName = containers.Count > 0 && containers.Peek() && state.Last is '{' or ',';
                    state.InString = true;
                    continue;
                case (byte)',' or (byte)':':
                    break;
                default:
                    if (state.WordStart < 0)
                    {
                        state.WordStart = i;
                    }

                    state.Last = 'v';
                    state.LastAt = i;
                    continue;
            }

            state.WordStart = -1;
            state.Last = b is (byte)'}' or (byte)']' ? 'v' : (char)b;
            state.LastAt = i;
        }

        state.Depth = containers.Count;
        state.InObject = containers.Count > 0 && containers.Peek();
        return state;
    }

    private static int Offset(ReadOnlySpan<byte> body, long line, long bytePositionInLine)
    {
        var start = 0;
        for (var l = 0L; l < line; l++)
        {
            var next = body[start..].IndexOf((byte)'\n');
            if (next < 0)
            {
                break;
            }

            start += next + 1;
        }

        return (int)Math.Min(body.Length, start + bytePositionInLine);
    }

    private static ReadOnlySpan<byte> Word(ReadOnlySpan<byte> body, int start)
    {
        var end = body[start..].IndexOfAny(" \t\r\n,:]}[{\""u8);
        return end < 0 ? body[start..] : body.Slice(start, end);
    }

    private static bool IsValidPrimitive(ReadOnlySpan<byte> word)
    {
        if (word.SequenceEqual("true"u8) || word.SequenceEqual("false"u8) || word.SequenceEqual("null"u8))
        {
            return true;
        }

        // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        var i = 0;
        if (i < word.Length && word[i] == '-')
        {
            i++;
        }

        if (i < word.Length && word[i] == '0')
        {
            i++;
        }
        else if (!Digits(word, ref i))
        {
            return false;
        }

        if (i < word.Length && word[i] == '.')
        {
            i++;
            if (!Digits(word, ref i))
            {
                return false;
            }
        }

        if (i < word.Length && word[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < word.Length && word[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            if (!Digits(word, ref i))
            {
                return false;
            }
        }

        return i == word.Length;
    }

    private static bool Digits(ReadOnlySpan<byte> word, ref int i)
    {
        var start = i;
        while (i < word.Length && word[i] is >= (byte)'0' and <= (byte)'9')
        {
            i++;
        }

        return i > start;
    }

    private static bool IsWhitespace(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    private static string Show(ReadOnlySpan<byte> word)
    {
        var text = Encoding.UTF8.GetString(word.Length > MaxShownWord ? word[..MaxShownWord] : word);
        return "'" + text + (word.Length > MaxShownWord ? "...'" : "'");
    }

    /// <summary>The character at <paramref name="at"/> quoted, or its code point when it is a control character.</summary>
    private static string ShowChar(ReadOnlySpan<byte> body, int at) =>
        body[at] < 0x20 || body[at] == 0x7F
            ? string.Create(CultureInfo.InvariantCulture, $"U+{body[at]:X4}")
            : "'" + ShowRaw(body, at) + "'";

    private static string ShowRaw(ReadOnlySpan<byte> body, int at) =>
        Rune.DecodeFromUtf8(body[at..], out var rune, out _) == System.Buffers.OperationStatus.Done ? rune.ToString() : "?";

    private struct ScanState
    {
        public bool InString;
        public bool InObject;
        public int Depth;
        public char Last;
        public int LastAt;
        public int WordStart;
        public int EscapeAt;
    }
}
