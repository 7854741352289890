using System.Security.Cryptography;

namespace Sluice.Core.Normalization;

/// <summary>
/// Random (version 4) UUIDs from the system's cryptographic generator, drawn 256 at a time: the generated
/// <c>__sdc_primary_key</c> of every append-only record comes from here, and one system call per UUID
/// (<see cref="Guid.NewGuid"/>) was a sixth of the planner's time for flat events.
/// </summary>
public static class RandomGuids
{
    private const int PerFill = 256;

    [ThreadStatic]
    private static byte[]? t_buffer;

    [ThreadStatic]
    private static int t_next;

    /// <summary>A new random UUID (RFC 9562 version 4, variant 10), like <see cref="Guid.NewGuid"/>.</summary>
    public static Guid NewGuid()
    {
        var buffer = t_buffer ??= new byte[16 * PerFill];
        if (t_next == 0)
        {
            RandomNumberGenerator.Fill(buffer);
        }

        var bytes = buffer.AsSpan(t_next * 16, 16);
        t_next = (t_next + 1) % PerFill;
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
