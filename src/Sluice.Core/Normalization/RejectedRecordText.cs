using System.Text;

namespace Sluice.Core.Normalization;

/// <summary>The <c>record</c> column of <c>_sdc_rejected</c>: the raw JSON, cut to at most 64 KiB of UTF-8.</summary>
public static class RejectedRecordText
{
    public const int MaxBytes = 64 * 1024;

    public static string Truncate(string json)
    {
        if (json.Length * 3 <= MaxBytes || Encoding.UTF8.GetByteCount(json) <= MaxBytes)
        {
            return json;
        }

        var bytes = 0;
        var length = 0;
        while (length < json.Length)
        {
            var pair = char.IsHighSurrogate(json[length]) && length + 1 < json.Length && char.IsLowSurrogate(json[length + 1]);
            var size = pair ? 4 : json[length] < 0x80 ? 1 : json[length] < 0x800 ? 2 : 3;
            if (bytes + size > MaxBytes)
            {
                break;
            }

            bytes += size;
            length += pair ? 2 : 1;
        }

        return json[..length];
    }
}
