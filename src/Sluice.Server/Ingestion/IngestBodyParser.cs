using System.Text.Json;
using System.Text.Unicode;

namespace Sluice.Server.Ingestion;

/// <summary>
/// Splits an ingest body into records: a JSON object is one record, an array of objects one record per element.
/// Each record is the raw text of its element, exactly as posted (numbers are never re-serialized): one pass of
/// <see cref="Utf8JsonReader"/> over the bytes, no DOM, and the records are given as ranges of the body.
/// </summary>
public static class IngestBodyParser
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Parses <paramref name="body"/>; on failure the result carries a specific reason and no records.</summary>
    public static IngestParseResult Parse(ReadOnlySpan<byte> body, int maxDepth)
    {
        // Ranges are given in the caller's coordinates, so a skipped BOM shifts them.
        var offset = 0;
        if (body.StartsWith(Utf8Bom))
        {
            body = body[Utf8Bom.Length..];
            offset = Utf8Bom.Length;
        }

        if (!Utf8.IsValid(body))
        {
            var invalidAt = FirstInvalidUtf8Offset(body);
            return IngestParseResult.Malformed($"The body is not valid UTF-8: an invalid byte sequence starts at byte offset {invalidAt} {JsonSyntaxError.Position(body, (int)invalidAt)}.");
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            reader.Read();
            Range[] records;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    reader.Skip();
                    records = [new Range(offset, offset + (int)reader.BytesConsumed)];
                    break;
                case JsonTokenType.StartArray:
                    List<Range>? elements = null;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            // Validate the rest first: a syntax error is the more useful thing to report.
                            var index = elements?.Count ?? 0;
                            var kind = Describe(reader.TokenType);
                            reader.Skip();
                            while (reader.Read())
                            {
                            }

                            return IngestParseResult.NotRecords($"Expected an array of JSON objects, found {kind} at index {index}.");
                        }

                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        (elements ??= []).Add(new Range(offset + start, offset + (int)reader.BytesConsumed));
                    }

                    records = elements is null ? [] : [.. elements];
                    break;
                default:
                    var rootKind = Describe(reader.TokenType);
                    reader.Skip();
                    while (reader.Read())
                    {
                    }

                    return IngestParseResult.NotRecords($"Expected a JSON object or an array of JSON objects, found {rootKind} at the root.");
            }

            // Anything but whitespace after the root value is an error (the reader throws on it).
            while (reader.Read())
            {
            }

            return IngestParseResult.Ok(records);
        }
        catch (JsonException ex)
        {
            var position = $"(line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})";
            if (OpensTooDeep(body, ref reader, maxDepth))
            {
                return IngestParseResult.Malformed($"The JSON is nested deeper than the limit of {maxDepth} levels {position}.");
            }

            return IngestParseResult.Malformed(JsonSyntaxError.Describe(body, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0));
        }
    }

    /// <summary>
    /// Whether the reader failed on opening a container past <paramref name="maxDepth"/> (rather than on a syntax error at
    /// that depth): the next token after what it consumed is <c>{</c> or <c>[</c>, and the containers open are the limit.
    /// CurrentDepth does not count a container the reader has just opened (inside <c>[[</c> it is one less than inside <c>{"a":</c>).
    /// </summary>
    private static bool OpensTooDeep(ReadOnlySpan<byte> body, ref Utf8JsonReader reader, int maxDepth)
    {
        var open = reader.CurrentDepth + (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject ? 1 : 0);
        if (open < maxDepth)
        {
            return false;
        }

        var next = (int)reader.BytesConsumed;
        while (next < body.Length && body[next] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)',' or (byte)':')
        {
            next++;
        }

        return next < body.Length && body[next] is (byte)'{' or (byte)'[';
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static long FirstInvalidUtf8Offset(ReadOnlySpan<byte> body)
    {
        Span<char> scratch = stackalloc char[1024];
        long offset = 0;
        while (!body.IsEmpty)
        {
            var status = Utf8.ToUtf16(body, scratch, out var read, out _, replaceInvalidSequences: false, isFinalBlock: true);
            if (status == System.Buffers.OperationStatus.InvalidData)
            {
                return offset + read;
            }

            offset += read;
            body = body[read..];
            if (status == System.Buffers.OperationStatus.Done)
            {
                break;
            }
        }

        return offset;
    }
}
