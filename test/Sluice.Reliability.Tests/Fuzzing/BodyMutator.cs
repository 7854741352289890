using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Sluice.Testing.Providers;

namespace Sluice.Reliability.Tests.Fuzzing;

/// <summary>
/// Makes the fuzz run's bodies from realistic provider payloads (GitHub, Stripe and SendGrid deliveries): body <c>i</c> of
/// seed <c>s</c> is always the same (its own <see cref="Random"/>), whatever order the senders take them in. Structural
/// mutations edit the payload as a tree and splice raw text (numbers no double holds, duplicate keys, <c>\ud800</c>) in
/// through placeholders; byte mutations work on its UTF-8.
/// </summary>
public sealed class BodyMutator
{
    /// <summary>Ids of body <c>i</c> are <c>i * IdStride</c> and up: room for a 100,000-record array.</summary>
    public const long IdStride = 200_000;

    public const int HugeArrayRecords = 100_000;

    /// <summary>The ingest limit (Ingest:MaxBodyBytes, 20 MB).</summary>
    public const int MaxBodyBytes = 20 * 1024 * 1024;

    public const int MaxDepth = 64;

    private static readonly (FuzzKind Kind, int Weight)[] Weights =
    [
        (FuzzKind.Valid, 16), (FuzzKind.BitFlip, 14), (FuzzKind.Truncated, 7), (FuzzKind.DeepNesting, 4), (FuzzKind.HugeNumbers, 7),
        (FuzzKind.NulBytes, 5), (FuzzKind.InvalidUtf8, 6), (FuzzKind.LoneSurrogates, 6), (FuzzKind.DuplicateKeys, 6),
        (FuzzKind.OddKeys, 6), (FuzzKind.ReservedNames, 6), (FuzzKind.WrongContentType, 6), (FuzzKind.Chunked, 6), (FuzzKind.NotRecords, 4),
    ];

    private static readonly string[] ReservedKeys =
    [
        "_sdc_sequence", "_sdc_received_at", "_sdc_batched_at", "_sdc_table_version", "__sdc_primary_key", "_sdc_rejected",
        "_sdc_overflow", "_sdc_source_key_id", "_sdc_level_0_id", "_sdc_header_x_github_delivery", "_sdc_extracted_at", "_sdc_deleted_at",
        "_sluice_columns", "_sluice_loads", "_sluice_checkpoints", "_sluice", "value__bi", "amount__do", "flag__bo", "name__st", "__sdc_x",
        "_SDC_SEQUENCE", "_sdc_", "_sluice_", "_sdc_rejected_at", "table_name", "reason", "record",
    ];

    private static readonly string[] HugeNumbers =
    [
        "1e400", "-1e400", "1E+400", "1e-400", "-0", "-0.0", "0e0", "123456789012345678901234567890", "-123456789012345678901234567890",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "1.7976931348623157e308", "1.7976931348623159e308", "4.9e-324", "2.4e-324", "0.1000000000000000055511151231257827",
        "1" + new string('0', 400), "0." + new string('0', 399) + "1", "12345678901234567890.123456789012345678901234567890",
        "1e9223372036854775807", "100000000000000000000000000000e-10",
    ];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xBF], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC3],
    ];

    private static readonly string[] Surrogates =
    [
        "\\ud800", "\\udfff", "\\udbff", "\\ud800\\u0041", "\\udc00\\ud800", "x\\ud83d", "\\ud83d\\ude00\\ud83d", "\\uDFFF\\uDFFF",
    ];

    private static readonly string[] OtherContentTypes =
    [
        "text/plain", "application/xml", "application/octet-stream", "text/html; charset=utf-8", "application/json; charset=iso-8859-1",
        "application/vnd.api+json", "???", "application/x-ndjson", "*/*",
    ];

    private static readonly string[] FormContentTypes =
    [
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=----sluicefuzz", "multipart/mixed", "APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8",
    ];

    private readonly string[] _seeds;
    private readonly int _seed;
    private readonly int _bodies;
    private readonly HashSet<int> _hugeArrays;
    private readonly Dictionary<int, bool> _oversized;
    private readonly HashSet<int> _wide;

    public BodyMutator(int seed, int bodies)
    {
        _seed = seed;
        _bodies = bodies;
        var seeds = new List<string>();
        seeds.AddRange(GitHubPayloads.Stream(GitHubPayloads.Events.Length, seed: 3).Select(r => r.Body));
        seeds.AddRange(StripePayloads.Stream(StripePayloads.Types.Length, seed: 3).Select(r => r.Body));
        seeds.AddRange(SendGridPayloads.Batches(8, 4, seed: 3).Select(r => r.Body));
        _seeds = [.. seeds];

        // The rare heavy bodies at fixed, seeded places, so every run has them: 100,000-record arrays (a few), 10,000-key
        // objects (half a percent) and two bodies over the limit (one declared, one chunked). Never body 0, the warm-up.
        var places = new Random(Mix(seed, -1));
        int Place() => 1 + places.Next(Math.Max(1, bodies - 1));
        _hugeArrays = [.. Enumerable.Range(0, Math.Max(2, bodies / 3_000)).Select(_ => Place())];
        _wide = [.. Enumerable.Range(0, Math.Max(3, bodies / 200)).Select(_ => Place())];
        _oversized = [];
        _oversized[Place()] = false;
        _oversized[Place()] = true;
    }

    public IReadOnlyList<string> Seeds => _seeds;

    /// <summary>Body <paramref name="index"/> of the run. Body 0 is always a valid one (it creates the id column first).</summary>
    public FuzzBody Make(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var random = new Random(Mix(_seed, index));
        var firstId = index * IdStride;
        if (index == 0)
        {
            return Valid(random, firstId);
        }

        if (_oversized.TryGetValue(index, out var chunked))
        {
            return Oversized(firstId, chunked);
        }

        if (_hugeArrays.Contains(index))
        {
            return HugeArray(random, firstId);
        }

        if (_wide.Contains(index))
        {
            return WideObject(random);
        }

        var kind = Pick(random);
        return kind switch
        {
            FuzzKind.Valid => Valid(random, firstId),
            FuzzKind.BitFlip => BitFlip(random),
            FuzzKind.Truncated => Truncated(random),
            FuzzKind.DeepNesting => DeepNesting(random),
            FuzzKind.HugeNumbers => Splice(random, kind, random.Next(1, 6), () => Quote(Key(random)) + ":" + HugeNumbers[random.Next(HugeNumbers.Length)]),
            FuzzKind.NulBytes => NulBytes(random),
            FuzzKind.InvalidUtf8 => InvalidUtf8Body(random),
            FuzzKind.LoneSurrogates => Splice(random, kind, random.Next(1, 4), () => random.Next(3) == 0
                ? "\"key" + Surrogates[random.Next(Surrogates.Length)] + "\":1"
                : Quote(Key(random)) + ":\"" + Surrogates[random.Next(Surrogates.Length)] + "\""),
            FuzzKind.DuplicateKeys => Splice(random, kind, 1, () => { var k = Quote(Key(random)); return $"{k}:1,{k}:\"again\""; }),
            FuzzKind.OddKeys => Splice(random, kind, random.Next(1, 4), () => OddKey(random) + ":" + random.Next(1000).ToString(CultureInfo.InvariantCulture)),
            FuzzKind.ReservedNames => Splice(random, kind, random.Next(1, 4), () => Quote(ReservedKeys[random.Next(ReservedKeys.Length)]) + ":" + ReservedValue(random)),
            FuzzKind.WrongContentType => WrongContentType(random, firstId),
            FuzzKind.Chunked => Valid(random, firstId) with { Kind = FuzzKind.Chunked, Chunked = true },
            FuzzKind.NotRecords => NotRecords(random),
            _ => throw new InvalidOperationException($"No generator for {kind}."),
        };
    }

    /// <summary>A seed for body <paramref name="index"/> of run <paramref name="seed"/>, the same in every process (HashCode is not).</summary>
    private static int Mix(int seed, int index) => unchecked((int)(((uint)seed * 2_654_435_761u) ^ ((uint)index * 40_503u + 0x9E37_79B9u)));

    private static FuzzKind Pick(Random random)
    {
        var roll = random.Next(Weights.Sum(w => w.Weight));
        foreach (var (kind, weight) in Weights)
        {
            if (roll < weight)
            {
                return kind;
            }

            roll -= weight;
        }

        return FuzzKind.Valid;
    }

    /// <summary>A seed payload with <c>fuzz_valid_n</c> on every record (each element of a SendGrid batch).</summary>
    private FuzzBody Valid(Random random, long firstId)
    {
        var node = JsonNode.Parse(_seeds[random.Next(_seeds.Length)])!;
        var count = 0;
        if (node is JsonArray array)
        {
            foreach (var element in array)
            {
                element!.AsObject()["fuzz_valid_n"] = firstId + count++;
            }
        }
        else
        {
            node.AsObject()["fuzz_valid_n"] = firstId;
            count = 1;
        }

        return new FuzzBody(FuzzKind.Valid, Encoding.UTF8.GetBytes(node.ToJsonString()), FuzzExpect.Accepted) { FirstId = firstId, IdCount = count, Records = count };
    }

    private byte[] SeedBytes(Random random) => Encoding.UTF8.GetBytes(_seeds[random.Next(_seeds.Length)]);

    private FuzzBody BitFlip(Random random)
    {
        var bytes = SeedBytes(random);
        var flips = random.Next(1, 9);
        for (var i = 0; i < flips; i++)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }

        return new FuzzBody(FuzzKind.BitFlip, bytes, FuzzExpect.AcceptedOrMalformed);
    }

    private FuzzBody Truncated(Random random)
    {
        var bytes = SeedBytes(random);
        // Never at the end: a whole object followed by nothing is not truncated. Length 0 is an empty body.
        var cut = random.Next(bytes.Length - 1);
        return new FuzzBody(FuzzKind.Truncated, bytes[..cut], FuzzExpect.Malformed);
    }

    /// <summary>Objects or arrays nested 2-100,000 levels: at most 64 loads; deeper answers 400 naming the limit.</summary>
    private FuzzBody DeepNesting(Random random)
    {
        int[] depths = [2, 16, 32, 63, 64, 65, 66, 100, 1_000, 10_000, 100_000];
        var depth = depths[random.Next(depths.Length)];
        var builder = new StringBuilder(depth * 8);
        var arrays = random.Next(3) == 0;
        if (arrays)
        {
            // {"a":[[[...[1]...]]]}: the record holds arrays of arrays (subtables of subtables).
            builder.Append("{\"a\":").Append('[', depth - 1).Append('1').Append(']', depth - 1).Append('}');
        }
        else
        {
            for (var i = 0; i < depth - 1; i++)
            {
                builder.Append("{\"level_").Append(i % 10).Append("\":");
            }

            builder.Append("{\"leaf\":true}").Append('}', depth - 1);
        }

        var bytes = Encoding.UTF8.GetBytes(builder.ToString());
        return depth <= MaxDepth
            ? new FuzzBody(FuzzKind.DeepNesting, bytes, FuzzExpect.Accepted) { Records = 1 }
            : new FuzzBody(FuzzKind.DeepNesting, bytes, FuzzExpect.Malformed) { ErrorMustContain = "nested deeper than the limit of 64 levels" };
    }

    /// <summary>NUL as a raw byte (not JSON: 400) or as <c>\u0000</c> in keys and strings (JSON: 200).</summary>
    private FuzzBody NulBytes(Random random)
    {
        if (random.Next(2) == 0)
        {
            var bytes = SeedBytes(random).ToList();
            var at = random.Next(bytes.Count);
            bytes.InsertRange(at, Enumerable.Repeat((byte)0, random.Next(1, 4)));
            return new FuzzBody(FuzzKind.NulBytes, [.. bytes], FuzzExpect.Malformed) { ErrorMustContain = "(line " };
        }

        return Splice(random, FuzzKind.NulBytes, random.Next(1, 4), () => random.Next(2) == 0
            ? "\"nul\\u0000key\":1"
            : Quote(Key(random)) + ":\"before\\u0000after\\u0000\"");
    }

    /// <summary>Bytes that are not UTF-8 inside a string value: 400 naming the byte offset.</summary>
    private FuzzBody InvalidUtf8Body(Random random)
    {
        var text = _seeds[random.Next(_seeds.Length)];
        var bytes = Encoding.UTF8.GetBytes(text).ToList();
        // Inside a string: after an opening quote that follows a colon.
        var at = text.IndexOf(":\"", random.Next(text.Length / 2), StringComparison.Ordinal);
        var offset = at < 0 ? bytes.Count / 2 : Encoding.UTF8.GetByteCount(text.AsSpan(0, at + 2));
        bytes.InsertRange(offset, InvalidUtf8[random.Next(InvalidUtf8.Length)]);
        return new FuzzBody(FuzzKind.InvalidUtf8, [.. bytes], FuzzExpect.Malformed) { ErrorMustContain = "not valid UTF-8" };
    }

    /// <summary>A valid body sent with another content type: form and multipart answer 415 and store nothing; others are JSON.</summary>
    private FuzzBody WrongContentType(Random random, long firstId)
    {
        var body = Valid(random, firstId);
        return random.Next(3) == 0
            ? body with { Kind = FuzzKind.WrongContentType, Expect = FuzzExpect.Unsupported, ContentType = FormContentTypes[random.Next(FormContentTypes.Length)] }
            : body with { Kind = FuzzKind.WrongContentType, ContentType = random.Next(5) == 0 ? null : OtherContentTypes[random.Next(OtherContentTypes.Length)] };
    }

    /// <summary>Well-formed JSON that is not an object or an array of objects: 400 saying what was found.</summary>
    private FuzzBody NotRecords(Random random)
    {
        string[] bodies = ["42", "\"text\"", "null", "true", "[1,2,3]", "[{\"a\":1},2]", "[[{\"a\":1}]]", "[{\"a\":1},null]", "\"{\\\"a\\\":1}\"", "-1e400"];
        var (text, expected) = random.Next(4) == 0
            ? (string.Empty, "The body is empty")
            : (bodies[random.Next(bodies.Length)], "Expected ");
        if (text.Length == 0 && random.Next(2) == 0)
        {
            text = "   \r\n\t ";
        }

        return new FuzzBody(FuzzKind.NotRecords, Encoding.UTF8.GetBytes(text), FuzzExpect.Malformed) { ErrorMustContain = expected };
    }

    /// <summary>One object of 10,000 keys (a form tool's custom fields), nested one level into a seed payload or at its top.</summary>
    private FuzzBody WideObject(Random random)
    {
        var node = JsonNode.Parse(_seeds[random.Next(_seeds.Length)])!;
        var target = node is JsonArray array ? array[0]!.AsObject() : node.AsObject();
        var wide = random.Next(2) == 0 ? target : (JsonObject)(target["custom_fields"] = new JsonObject());
        var prefix = Key(random);
        for (var i = 0; i < 10_000; i++)
        {
            JsonNode value = (i % 4) switch
            {
                0 => i,
                1 => $"value {i}",
                2 => i % 3 == 0,
                _ => i * 0.5,
            };
            wide[$"{prefix}_{i}"] = value;
        }

        return new FuzzBody(FuzzKind.WideObject, Encoding.UTF8.GetBytes(node.ToJsonString()), FuzzExpect.Accepted) { Records = node is JsonArray a ? a.Count : 1 };
    }

    /// <summary>100,000 small SendGrid-shaped events in one array (about 14 MB), each with its id.</summary>
    private static FuzzBody HugeArray(Random random, long firstId)
    {
        string[] events = ["processed", "delivered", "open", "click", "bounce"];
        var builder = new StringBuilder(HugeArrayRecords * 150).Append('[');
        for (var i = 0; i < HugeArrayRecords; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            builder.Append(CultureInfo.InvariantCulture,
                $"{{\"email\":\"user{random.Next(1_000_000)}@example.com\",\"timestamp\":{1_764_489_600 + i},\"event\":\"{events[i % events.Length]}\",\"sg_event_id\":\"{random.NextInt64():x16}\",\"fuzz_valid_n\":{firstId + i}}}");
        }

        builder.Append(']');
        return new FuzzBody(FuzzKind.HugeArray, Encoding.UTF8.GetBytes(builder.ToString()), FuzzExpect.Accepted)
        {
            FirstId = firstId, IdCount = HugeArrayRecords, Records = HugeArrayRecords, Chunked = random.Next(2) == 0,
        };
    }

    /// <summary>A valid array just over the 20 MB limit: 413, declared (Content-Length) or found while reading a chunked body.</summary>
    private static FuzzBody Oversized(long firstId, bool chunked)
    {
        var record = $"{{\"pad\":\"{new string('x', 1000)}\",\"fuzz_valid_n\":{firstId}}}";
        var count = (MaxBodyBytes / (record.Length + 1)) + 10;
        var text = "[" + string.Join(',', Enumerable.Repeat(record, count)) + "]";
        return new FuzzBody(FuzzKind.Oversized, Encoding.UTF8.GetBytes(text), FuzzExpect.TooLarge) { Chunked = chunked, FirstId = firstId, IdCount = 1 };
    }

    /// <summary>
    /// A seed payload with <paramref name="count"/> raw members (from <paramref name="member"/>) put into random objects of it:
    /// well-formed JSON the ingest endpoint must accept (it checks syntax only; the loader deals with the rest).
    /// </summary>
    private FuzzBody Splice(Random random, FuzzKind kind, int count, Func<string> member)
    {
        var node = JsonNode.Parse(_seeds[random.Next(_seeds.Length)])!;
        var objects = new List<JsonObject>();
        Collect(node, objects);
        var raws = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var target = objects[random.Next(objects.Count)];
            target[$"@@fuzz{i}@@"] = "@@raw@@";
            raws.Add(member());
        }

        var text = node.ToJsonString();
        for (var i = 0; i < raws.Count; i++)
        {
            text = text.Replace($"\"@@fuzz{i}@@\":\"@@raw@@\"", raws[i], StringComparison.Ordinal);
        }

        return new FuzzBody(kind, Encoding.UTF8.GetBytes(text), FuzzExpect.Accepted) { Records = node is JsonArray a ? a.Count : 1 };
    }

    private static void Collect(JsonNode? node, List<JsonObject> objects)
    {
        switch (node)
        {
            case JsonObject obj:
                objects.Add(obj);
                foreach (var (_, child) in obj)
                {
                    Collect(child, objects);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Collect(child, objects);
                }

                break;
        }
    }

    private static string Key(Random random)
    {
        string[] words = ["id", "amount", "status", "metadata", "user", "created", "type", "value", "email", "count", "name", "items"];
        return words[random.Next(words.Length)] + (random.Next(2) == 0 ? string.Empty : "_" + random.Next(50).ToString(CultureInfo.InvariantCulture));
    }

    private static string Quote(string key) => "\"" + key + "\"";

    private static string OddKey(Random random) => random.Next(9) switch
    {
        0 => "\"\"",
        1 => Quote(new string('k', random.Next(64, 10_000))),
        2 => Quote(string.Concat(Enumerable.Repeat("very_long_segment_", random.Next(5, 400)))),
        3 => "\"   \"",
        4 => "\"a.b[0].c\"",
        5 => "\"\\u00e9t\\u00e9 \\u65e5\\u672c \\ud83d\\ude00\"",
        6 => "\"+1\"",
        7 => "\"Order ID\"",
        _ => "\"\\\"quoted\\\" \\\\ back\\tslash\"",
    };

    private static string ReservedValue(Random random) => random.Next(4) switch
    {
        0 => random.Next().ToString(CultureInfo.InvariantCulture),
        1 => "\"2026-01-01T00:00:00Z\"",
        2 => "{\"nested\":true}",
        _ => "[1,2]",
    };

    public int Bodies => _bodies;
}
