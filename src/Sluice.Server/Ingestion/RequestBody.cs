using System.Buffers;

namespace Sluice.Server.Ingestion;

/// <summary>
/// A request body read into a pooled buffer, up to a limit. Return it with <see cref="Dispose"/>.
/// </summary>
public sealed class RequestBody : IDisposable
{
    private const int InitialChunkedSize = 16 * 1024;

    private byte[]? _buffer;

    private RequestBody(byte[]? buffer, int length, bool isTooLarge = false, long? declaredSize = null)
    {
        _buffer = buffer;
        Length = length;
        IsTooLarge = isTooLarge;
        DeclaredSize = declaredSize;
    }

    public int Length { get; }

    /// <summary>True when the body reached the limit: its Content-Length did, or (chunked) reading it did and was cut off there.</summary>
    public bool IsTooLarge { get; }

    /// <summary>The Content-Length of a body refused for it; null for a chunked body, whose size nobody read to the end.</summary>
    public long? DeclaredSize { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>The body's bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>
    /// Reads the body of <paramref name="request"/>. A Content-Length at or above <paramref name="limit"/> is refused
    /// without reading; a body without one (chunked) is read until it ends or reaches the limit.
    /// </summary>
    public static async ValueTask<RequestBody> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var declared = request.ContentLength;
        if (declared >= limit)
        {
            return new RequestBody(null, 0, isTooLarge: true, declaredSize: declared.Value);
        }

        // We enforce the limit ourselves; Kestrel's own limit (30 MB by default) would throw instead of answering 413.
        var sizeFeature = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(declared is { } size ? Math.Max((int)size, 1) : InitialChunkedSize);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= limit)
                    {
                        break;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, limit) - length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length >= limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return new RequestBody(null, 0, isTooLarge: true);
                }
            }

            return new RequestBody(buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
