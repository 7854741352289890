using System.Net;

namespace Sluice.Reliability.Tests.Fuzzing;

/// <summary>A body without a length: HttpClient sends it with <c>Transfer-Encoding: chunked</c>, in pieces of varying size.</summary>
internal sealed class ChunkedContent(byte[] bytes, int seed) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var random = new Random(seed);
        for (var offset = 0; offset < bytes.Length;)
        {
            var size = Math.Min(bytes.Length - offset, random.Next(2) == 0 ? random.Next(1, 64) : random.Next(1, 256 * 1024));
            await stream.WriteAsync(bytes.AsMemory(offset, size));
            await stream.FlushAsync();
            offset += size;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
