using System.Text;
using Sluice.Server.Ingestion;

namespace Sluice.Server.Tests.Ingestion;

public sealed class IngestBodyParserTests
{
    private const int MaxDepth = 64;

    [Theory]
    [InlineData("{\"id\":1,\"name\":\"abcdefghijklmnopqrstuvwxyz\",\"items\":[1,2,3],\"ok\":tr", "it ends in the middle of a value (line 1, byte 68)")]
    [InlineData("{\"a\":nul}", "'nul' is not a valid value (strings need double quotes; the literals are true, false and null) (line 1, byte 6)")]
    [InlineData("{\"id\":1,\"name\":\"a\"", "it ends in the middle of a value (line 1, byte 19)")]
    [InlineData("{\"id\":1", "it ends in the middle of a value (line 1, byte 8)")]
    [InlineData("[{\"id\":1},{\"name\":\"ab", "it ends in the middle of a value (line 1, byte 22)")]
    [InlineData("{\"a\":1,}", "a trailing comma before '}' is not allowed (line 1, byte 7)")]
    [InlineData("[{\"a\":1},\n {\"b\":2},\n]", "a trailing comma before ']' is not allowed (line 2, byte 9)")]
    [InlineData("{\"a\":1 // note\n}", "a comment is not allowed (JSON has no comments) (line 1, byte 8)")]
    [InlineData("/* note */ {\"a\":1}", "a comment is not allowed (JSON has no comments) (line 1, byte 1)")]
    [InlineData("{\"a\":1} {\"b\":2}", "there is more after the first JSON value; send one object, or one array of objects (line 1, byte 9)")]
    [InlineData("{\"a\":1}\n{\"b\":2}\n", "there is more after the first JSON value; send one object, or one array of objects (line 2, byte 1)")]
    [InlineData("{'a':1}", "strings and property names need double quotes (\"), not single quotes (line 1, byte 2)")]
    [InlineData("{a:1}", "'a' is not allowed here: expected a property name in double quotes, or '}' (line 1, byte 2)")]
    [InlineData("{\"a\" 1}", "'1' is not allowed here: expected ':' after the property name (line 1, byte 6)")]
    [InlineData("{\"a\":1 \"b\":2}", "'\"' is not allowed here: expected ',' or '}' (line 1, byte 8)")]
    [InlineData("{\"a\":[1 2]}", "'2' is not allowed here: expected ',' or ']' (line 1, byte 9)")]
    [InlineData("{\"a\":1]", "']' is not allowed here: expected ',' or '}' (line 1, byte 7)")]
    [InlineData("{\"a\":[1,,2]}", "',' is not allowed here: expected a value (line 1, byte 9)")]
    [InlineData("{\"a\":01}", "'01' is not a valid number (line 1, byte 6)")]
    [InlineData("{\"a\":1.}", "'1.' is not a valid number (line 1, byte 6)")]
    [InlineData("{\"a\":1e}", "'1e' is not a valid number (line 1, byte 6)")]
    [InlineData("{\"a\":\"x\ny\"}", "a control character (U+000A) inside a string must be escaped, e.g. a line break as \\n (line 1, byte 8)")]
    [InlineData("{\"a\":\"\\q\"}", "'\\q' is not a valid escape in a string (allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX) (line 1, byte 8)")]
    [InlineData("{\"a\":\"\\\\\\u12G4\"}", "'\\u' in a string must be followed by four hex digits (line 1, byte 13)")]
    [InlineData("]", "']' is not allowed here: expected a JSON object or an array of JSON objects (line 1, byte 1)")]
    public void Parse_InvalidJson_SaysWhatAndWhereInPlainWords(string json, string reason)
    {
        var result = IngestBodyParser.Parse(Encoding.UTF8.GetBytes(json), MaxDepth);

        Assert.True(result.IsMalformed);
        Assert.Equal("The body is not valid JSON: " + reason + ".", result.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \r\n\t")]
    [InlineData("\uFEFF")]
    public void Parse_EmptyBody_SaysItIsEmptyAndWhatToSend(string json)
    {
        var result = IngestBodyParser.Parse(Encoding.UTF8.GetBytes(json), MaxDepth);

        Assert.Equal("The body is empty: send a JSON object or an array of JSON objects.", result.Error);
    }

    [Fact]
    public void Parse_InvalidUtf8_SaysWhereTheBadBytesStart()
    {
        byte[] body = [.. "{\"a\":1,\n\"b\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        var result = IngestBodyParser.Parse(body, MaxDepth);

        Assert.Equal("The body is not valid UTF-8: an invalid byte sequence starts at byte offset 13 (line 2, byte 6).", result.Error);
    }

    /// <summary>Every way to break a body the reader knows, cut at every length: no message names the reader or .NET.</summary>
    [Fact]
    public void Parse_AnyBrokenBody_NeverShowsReaderInternals()
    {
        string[] bodies =
        [
            """{"id":1,"s":"a\"b\u00e9\n","n":-1.5e+3,"t":true,"f":false,"z":null,"o":{"x":[1,{"y":[]}]}}""",
            """[{"a":1},{"b":"c"},{"d":[1,2,3]}]""",
        ];
        string[] breakers = ["", ",", ",]", ",}", "//", "/*", "'", "x", "}", "]", "{", "[", ":", "\"", "\\", "\n", "01", "1.", "tru", "\u0001", "{\"a\":1}", "é"];
        var failures = 0;
        foreach (var json in bodies)
        {
            for (var cut = 0; cut <= json.Length; cut++)
            {
                foreach (var breaker in breakers)
                {
                    var result = IngestBodyParser.Parse(Encoding.UTF8.GetBytes(json[..cut] + breaker), MaxDepth);
                    if (result.Error is not { } error)
                    {
                        continue;
                    }

                    failures++;
                    Assert.DoesNotContain("reader options", error, StringComparison.OrdinalIgnoreCase);
                    Assert.DoesNotContain("isFinalBlock", error, StringComparison.OrdinalIgnoreCase);
                    Assert.DoesNotContain("JsonReaderException", error, StringComparison.Ordinal);
                    Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
                    Assert.DoesNotContain("LineNumber", error, StringComparison.Ordinal);
                    Assert.DoesNotContain("EndObject", error, StringComparison.Ordinal);
                    Assert.Matches(@"\(line \d+, byte \d+\)\.$|^The body is empty|^Expected an array|^Expected a JSON object", error);
                }
            }
        }

        Assert.True(failures > 1000, $"only {failures} bodies failed to parse");
    }
}
