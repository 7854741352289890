using System.CommandLine;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Sluice.Server.Backup;
using Sluice.Server.Hosting;

namespace Sluice.Cli.Commands.Backup;

/// <summary>
/// <c>sluice restore BACKUP [--data-dir DIR] [--force]</c>: the backup's files into a data directory no server runs on.
/// An existing data directory is moved aside (with <c>--force</c>), never overwritten. The buffer's sequence high-water
/// marks are raised to the warehouse's checkpoints, so a record accepted after the restore always sorts after every
/// record loaded before it.
/// </summary>
public sealed class RestoreCommand : CliCommand
{
    private readonly Argument<string> _backup = new("BACKUP") { Description = "A directory written by 'sluice backup'." };

    private readonly Option<bool> _force = new("--force")
    {
        Description = "Restore even though the data directory has stores in it: it is moved aside to <data-dir>.before-restore-<time> first.",
    };

    public RestoreCommand(CliEnvironment env)
        : base("restore", "Restore a backup into a data directory that no server runs on; then start 'sluice serve' on it.", env)
    {
        Arguments.Add(_backup);
        Options.Add(_force);
    }

    protected override async Task ExecuteAsync(ParseResult parseResult, CliOutput output, CancellationToken cancellationToken)
    {
        var backup = Path.GetFullPath(parseResult.GetValue(_backup)!);
        var dataDir = Path.GetFullPath(ResolveDataDir(parseResult));
        var manifest = await BackupFiles.CheckAsync(backup, cancellationToken).ConfigureAwait(false);

        string? movedAside = null;
        if (Directory.Exists(dataDir))
        {
            using (var held = DataDirectoryLock.TryAcquire(dataDir))
            {
                if (held is null)
                {
                    throw new CliException($"the data directory {dataDir} is in use by a running 'sluice serve' (it holds {DataDirectoryLock.FileName}); stop the server first, or restore into another --data-dir");
                }
            }

            var entries = Directory.EnumerateFileSystemEntries(dataDir).Where(e => Path.GetFileName(e) != DataDirectoryLock.FileName).ToList();
            if (entries.Count > 0)
            {
                if (!parseResult.GetValue(_force))
                {
                    throw new CliException($"the data directory {dataDir} is not empty ({string.Join(", ", entries.Take(4).Select(Path.GetFileName))}); restore into a new directory, or pass --force to move it aside first");
                }

                movedAside = dataDir + ".before-restore-" + DateTime.UtcNow.ToString("yyyyMMddTHHmmssZ", CultureInfo.InvariantCulture);
                Directory.Move(dataDir, movedAside);
            }
        }

        Sluice.Server.Accounts.PrivateFile.CreateDirectory(dataDir);

        var progress = new BackupProgress(Environment.Error, "restore: copied", manifest.Files.Sum(f => f.Bytes));
        foreach (var file in manifest.Files)
        {
            var target = BackupFiles.Resolve(dataDir, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await CopyAsync(BackupFiles.Resolve(backup, file.Path), target, progress, file.Path, cancellationToken).ConfigureAwait(false);
            if (!OperatingSystem.IsWindows() && !file.Path.StartsWith("warehouse/", StringComparison.Ordinal))
            {
                File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            progress.Done(file.Path);
        }

        if (manifest.Buffer.File is { } bufferFile)
        {
            RaiseSequences(Path.Combine(dataDir, bufferFile), manifest);
        }

        var notes = new[] { manifest.ControlPlane.Note, manifest.Buffer.Note }.Where(n => n is not null).ToArray();
        if (output.Json)
        {
            output.WriteJson(new { data_dir = dataDir, backup, created_at = manifest.CreatedAt, files = manifest.Files.Count, bytes = progress.Bytes, moved_aside = movedAside, notes });
            return;
        }

        output.WriteLine($"Restored the backup of {manifest.CreatedAt:yyyy-MM-dd HH:mm:ss}Z ({manifest.Files.Count} files, {BackupProgress.Size(progress.Bytes)}) into {dataDir}.");
        if (movedAside is not null)
        {
            output.WriteLine($"The data directory that was there is now {movedAside}.");
        }

        foreach (var note in notes)
        {
            output.WriteLine("Note: " + note);
        }

        output.WriteLine($"Start it with: sluice serve --data-dir {dataDir}   (records not yet loaded at the backup load then, once each)");
    }

    private static async Task CopyAsync(string from, string to, BackupProgress progress, string name, CancellationToken cancellationToken)
    {
        await using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        await using var target = new FileStream(to, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            progress.Add(read, name);
        }

        target.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Sequences are epoch nanoseconds, kept increasing by the buffer's high-water mark. A warehouse file copied after the
    /// buffer may hold records accepted after the buffer copy: the mark goes up to their checkpoint, so a record accepted
    /// after the restore never gets a sequence at or below it (which the loader would take as already loaded).
    /// </summary>
    private static void RaiseSequences(string bufferPath, BackupManifest manifest)
    {
        var checkpoints = manifest.Warehouse.SelectMany(w => w.Checkpoints)
            .GroupBy(c => c.SourceId)
            .Select(g => (SourceId: g.Key, Sequence: g.Max(c => c.Sequence)))
            .ToList();
        if (checkpoints.Count == 0)
        {
            return;
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = bufferPath, Pooling = false }.ConnectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO source_sequences (source_id, last_sequence) VALUES ($source, $sequence)
            ON CONFLICT (source_id) DO UPDATE SET last_sequence = max(last_sequence, excluded.last_sequence)
            """;
        var source = command.Parameters.Add("$source", SqliteType.Integer);
        var sequence = command.Parameters.Add("$sequence", SqliteType.Integer);
        foreach (var (sourceId, seq) in checkpoints)
        {
            source.Value = sourceId;
            sequence.Value = seq;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
