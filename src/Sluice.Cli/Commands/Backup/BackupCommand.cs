using System.CommandLine;
using System.Formats.Tar;
using System.Globalization;
using System.Text.Json;
using Sluice.Cli.Api;
using Sluice.Server.Backup;

namespace Sluice.Cli.Commands.Backup;

/// <summary>
/// <c>sluice backup DIR</c>: asks the running server for a consistent backup (<c>POST /v4/backup</c>, which needs account
/// 1's token) and writes it into DIR, a new or empty directory, checking every file against the manifest.
/// </summary>
public sealed class BackupCommand : ApiCommand
{
    private readonly Argument<string> _dir = new("DIR") { Description = "A new or empty directory to write the backup into." };

    public BackupCommand(CliEnvironment env)
        : base("backup", "Back up the running server's data directory (control.db, buffer.db, warehouse/, keys) into DIR, consistently, while it runs.", env)
    {
        Arguments.Add(_dir);
    }

    protected override TimeSpan? CallTimeout => Timeout.InfiniteTimeSpan;

    protected override async Task<JsonElement> CallAsync(ParseResult parseResult, ApiClient api, CancellationToken cancellationToken)
    {
        var dir = Path.GetFullPath(parseResult.GetValue(_dir)!);
        if (File.Exists(dir))
        {
            throw new CliException($"{dir} is a file; a backup goes into a new or empty directory");
        }

        var created = !Directory.Exists(dir);
        if (!created && Directory.EnumerateFileSystemEntries(dir).Any())
        {
            throw new CliException($"{dir} is not empty; a backup goes into a new or empty directory, so that it never mixes with another");
        }

        Directory.CreateDirectory(dir);
        try
        {
            await Environment.Error.WriteLineAsync("backup: the server is copying its stores...").ConfigureAwait(false);
            using var response = await api.PostForStreamAsync("v4/backup", cancellationToken).ConfigureAwait(false);
            var total = response.Headers.TryGetValues(BackupManifest.BytesHeader, out var values)
                && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : 0;
            var progress = new BackupProgress(Environment.Error, "backup: received", total);
            await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
            {
                await ExtractAsync(body, dir, progress, cancellationToken).ConfigureAwait(false);
            }

            var manifest = await BackupFiles.CheckAsync(dir, cancellationToken).ConfigureAwait(false);
            var summary = new
            {
                directory = dir,
                created_at = manifest.CreatedAt,
                files = manifest.Files.Count,
                bytes = manifest.Files.Sum(f => f.Bytes),
                seconds = Math.Round(progress.Elapsed.TotalSeconds, 1),
                control_plane = manifest.ControlPlane.Provider,
                buffer = manifest.Buffer.Provider,
                warehouse_files = manifest.Warehouse.Count,
                notes = new[] { manifest.ControlPlane.Note, manifest.Buffer.Note }.Where(n => n is not null).ToArray(),
            };
            return JsonSerializer.SerializeToElement(summary);
        }
        catch
        {
            // A partial backup is no backup: remove what this command wrote.
            if (created)
            {
                Directory.Delete(dir, recursive: true);
            }
            else
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
                {
                    if (Directory.Exists(entry))
                    {
                        Directory.Delete(entry, recursive: true);
                    }
                    else
                    {
                        File.Delete(entry);
                    }
                }
            }

            throw;
        }
    }

    protected override void WriteText(JsonElement result, ParseResult parseResult, CliOutput output)
    {
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Backed up {result.GetProperty("files").GetInt32()} files ({BackupProgress.Size(result.GetProperty("bytes").GetInt64())}) to {result.GetProperty("directory").GetString()} in {result.GetProperty("seconds").GetDouble():0.0} s."));
        foreach (var note in result.GetProperty("notes").EnumerateArray())
        {
            output.WriteLine("Note: " + note.GetString());
        }

        output.WriteLine("Restore with: sluice restore " + result.GetProperty("directory").GetString() + " --data-dir DIR");
    }

    private static async Task ExtractAsync(Stream body, string dir, BackupProgress progress, CancellationToken cancellationToken)
    {
        await using var reader = new TarReader(body);
        var buffer = new byte[1 << 20];
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
            {
                continue;
            }

            var target = BackupFiles.Resolve(dir, entry.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                int read;
                while ((read = await entry.DataStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    progress.Add(read, entry.Name);
                }

                file.Flush(flushToDisk: true);
            }

            progress.Done(entry.Name);
        }
    }
}
