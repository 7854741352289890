using System.Text;

namespace Sluice.Core.Buffering;

/// <summary>
/// The records of one ingest request as UTF-8 JSON object texts: slices of one buffer (normally the request body itself),
/// so the writer stores the bytes exactly as posted, without copying them into strings or encoding them again.
/// The buffer must stay untouched until the append it is given to has completed.
/// </summary>
public sealed class Utf8Records
{
    /// <summary>No records.</summary>
    public static readonly Utf8Records Empty = new(ReadOnlyMemory<byte>.Empty, []);

    private readonly ReadOnlyMemory<byte> _utf8;
    private readonly Range[] _records;

    /// <param name="utf8">The buffer the records are slices of.</param>
    /// <param name="records">Where each record lies in <paramref name="utf8"/>, in order.</param>
    public Utf8Records(ReadOnlyMemory<byte> utf8, Range[] records)
    {
        ArgumentNullException.ThrowIfNull(records);
        _utf8 = utf8;
        _records = records;
    }

    public int Count => _records.Length;

    /// <summary>The UTF-8 text of record <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> this[int index] => _utf8.Span[_records[index]];

    /// <summary>Records given as strings (tests, tools): encodes them once into one buffer.</summary>
    public static Utf8Records FromStrings(IReadOnlyList<string> json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Count == 0)
        {
            return Empty;
        }

        var total = 0;
        foreach (var text in json)
        {
            total += Encoding.UTF8.GetByteCount(text);
        }

        var buffer = new byte[total];
        var ranges = new Range[json.Count];
        var offset = 0;
        for (var i = 0; i < json.Count; i++)
        {
            var written = Encoding.UTF8.GetBytes(json[i], buffer.AsSpan(offset));
            ranges[i] = new Range(offset, offset + written);
            offset += written;
        }

        return new Utf8Records(buffer, ranges);
    }
}
