namespace Sluice.Server.Buffering;

/// <summary>
/// Copies of one read's records, packed into 64 KiB chunks (below the large-object threshold, so a chunk is an ordinary
/// young object that dies with its batch); a record larger than a chunk gets an array of its own. Chunks are never
/// reused: a record's memory stays valid for as long as anything refers to it.
/// </summary>
internal sealed class RecordArena
{
    private const int ChunkSize = 64 * 1024;

    private byte[] _chunk = [];
    private int _used;

    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > ChunkSize / 4)
        {
            return bytes.ToArray();
        }

        if (_chunk.Length - _used < bytes.Length)
        {
            _chunk = GC.AllocateUninitializedArray<byte>(ChunkSize);
            _used = 0;
        }

        var memory = _chunk.AsMemory(_used, bytes.Length);
        bytes.CopyTo(memory.Span);
        _used += bytes.Length;
        return memory;
    }
}
