namespace Sluice.Server.Backup;

/// <summary>A backup staged in the data directory (<c>backup-staging/&lt;id&gt;</c>), deleted when disposed.</summary>
public sealed class BackupSnapshot(string directory, BackupManifest manifest) : IDisposable
{
    public string Directory { get; } = directory;

    public BackupManifest Manifest { get; } = manifest;

    /// <summary>Bytes of every file, the manifest not counted: what the CLI's progress counts up to.</summary>
    public long TotalBytes => Manifest.Files.Sum(f => f.Bytes);

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
