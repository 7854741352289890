using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Server.Backup;

/// <summary>
/// <c>manifest.json</c> of a backup, the last entry written: what the backup holds, how each store was copied, and the
/// positions that make it consistent. The buffer was copied before the warehouse files; a record loaded in between is
/// pending in the buffer copy and at or below its source's checkpoint in the warehouse copy, and the loader drops what is
/// at or below the destination's checkpoint before it loads, so nothing loads twice and nothing acknowledged is missing.
/// </summary>
public sealed record BackupManifest(
    string Format,
    int Version,
    DateTimeOffset CreatedAt,
    string DataDir,
    BackupStore ControlPlane,
    BackupStore Buffer,
    IReadOnlyList<BackupWarehouse> Warehouse,
    IReadOnlyList<BackupFile> Files)
{
    public const string FileName = "manifest.json";
    public const string FormatName = "sluice-backup";
    public const int CurrentVersion = 1;

    /// <summary>Response header of <c>POST /v4/backup</c>: the bytes of the files in the tar stream (progress).</summary>
    public const string BytesHeader = "X-Sluice-Backup-Bytes";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <param name="Provider"><c>sqlite</c> (in the backup as <paramref name="File"/>), <c>postgres</c> or <c>nats</c> (not in it: see <paramref name="Note"/>).</param>
/// <param name="Sources">The buffer only: each source's highest sequence in the copy.</param>
public sealed record BackupStore(string Provider, string? File, string? Note, IReadOnlyList<BackupSourcePosition>? Sources = null);

public sealed record BackupSourcePosition(long SourceId, long Sequence);

/// <param name="Checkpoints">Each source's loader checkpoint in the copy: the highest sequence loaded.</param>
public sealed record BackupWarehouse(long ClientId, string File, bool InUse, IReadOnlyList<BackupSourcePosition> Checkpoints);

public sealed record BackupFile(string Path, long Bytes, string Sha256);
