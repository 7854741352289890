using System.Text.Json;
using Sluice.Server.Backup;

namespace Sluice.Cli.Commands.Backup;

/// <summary>A backup directory: its manifest, and every file in it checked against the manifest's size and SHA-256.</summary>
internal static class BackupFiles
{
    /// <summary>Where a backup's relative path lands inside <paramref name="dir"/>; a path that would leave it is refused.</summary>
    public static string Resolve(string dir, string relative)
    {
        var root = Path.GetFullPath(dir) + Path.DirectorySeparatorChar;
        var target = Path.GetFullPath(Path.Combine(root, relative));
        if (Path.IsPathRooted(relative) || !target.StartsWith(root, StringComparison.Ordinal))
        {
            throw new CliException($"the backup names a file outside its directory ('{relative}'); it is not a backup Sluice wrote");
        }

        return target;
    }

    public static async Task<BackupManifest> CheckAsync(string dir, CancellationToken cancellationToken)
    {
        var path = Path.Combine(dir, BackupManifest.FileName);
        if (!Directory.Exists(dir))
        {
            throw new CliException($"{dir} does not exist; give the directory 'sluice backup DIR' wrote");
        }

        if (!File.Exists(path))
        {
            throw new CliException($"{dir} is not a Sluice backup: it has no {BackupManifest.FileName} (a backup that did not finish has none either); give a directory 'sluice backup DIR' wrote");
        }

        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), BackupManifest.Json);
        }
        catch (JsonException e)
        {
            throw new CliException($"{path} is not a Sluice backup manifest: {e.Message}", e);
        }

        if (manifest is null || manifest.Format != BackupManifest.FormatName || manifest.Files is null)
        {
            throw new CliException($"{path} is not a Sluice backup manifest (no \"format\": \"{BackupManifest.FormatName}\")");
        }

        if (manifest.Version > BackupManifest.CurrentVersion)
        {
            throw new CliException($"{dir} is a backup of format version {manifest.Version}; this sluice reads versions up to {BackupManifest.CurrentVersion}: use a newer sluice");
        }

        foreach (var file in manifest.Files)
        {
            var full = Resolve(dir, file.Path);
            if (!File.Exists(full))
            {
                throw new CliException($"the backup in {dir} is incomplete: {file.Path} is missing");
            }

            var length = new FileInfo(full).Length;
            if (length != file.Bytes || await BackupService.HashAsync(full, cancellationToken).ConfigureAwait(false) != file.Sha256)
            {
                throw new CliException($"the backup in {dir} is damaged: {file.Path} ({length} bytes) is not the file that was backed up ({file.Bytes} bytes, SHA-256 {file.Sha256})");
            }
        }

        return manifest;
    }
}
