using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Sluice.Destinations.DuckDb;
using Sluice.Server.Buffering;
using Sluice.Server.Destinations;
using Sluice.Server.Hosting;
using Sluice.Storage;

namespace Sluice.Server.Backup;

/// <summary>
/// Stages a consistent backup of the data directory while the server runs, one at a time. Order: the buffer (SQLite's
/// online backup: one read transaction, ingest keeps committing), then the control plane (the same way; every source with
/// records in the buffer copy is in it, since sources are never removed), then each account's DuckDB file under its writer
/// (no load runs during its copy), then the Data Protection keys and the first account's token and password files.
/// </summary>
public sealed class BackupService(
    DataDirectory dataDirectory,
    IOptions<ControlPlaneOptions> controlPlane,
    IOptions<BufferOptions> buffer,
    DestinationRegistry destinations,
    TimeProvider time,
    ILogger<BackupService> logger)
{
    public const string StagingDirectoryName = "backup-staging";

    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Null when another backup is being staged.</summary>
    public async Task<BackupSnapshot?> TryStageAsync(CancellationToken cancellationToken)
    {
        if (!await _one.WaitAsync(0, cancellationToken))
        {
            return null;
        }

        var staging = Path.Combine(dataDirectory.Root, StagingDirectoryName, time.GetUtcNow().ToString("yyyyMMddTHHmmssfffZ", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var clock = Stopwatch.StartNew();
            Directory.CreateDirectory(Path.Combine(staging, DataDirectory.WarehouseFolder));
            var createdAt = time.GetUtcNow();

            BackupStore bufferStore;
            if (buffer.Value.IsNats)
            {
                bufferStore = new BackupStore(BufferOptions.Nats, null, "The buffer is a NATS JetStream stream: it is not in this backup (back up the stream with the nats CLI, 'nats stream backup').");
            }
            else
            {
                var copy = Path.Combine(staging, DataDirectory.BufferDbFile);
                CopySqlite(DataDirectory.BufferDbFile, dataDirectory.BufferDbPath, copy);
                bufferStore = new BackupStore("sqlite", DataDirectory.BufferDbFile, null, ReadSequences(copy));
            }

            BackupStore controlStore;
            if (controlPlane.Value.Provider == ControlPlaneOptions.Postgres)
            {
                controlStore = new BackupStore(ControlPlaneOptions.Postgres, null, "The control plane is in PostgreSQL: it is not in this backup. Back it up with pg_dump (e.g. pg_dump -Fc -f sluice-control.dump DATABASE) after this backup.");
            }
            else
            {
                var path = controlPlane.Value.ConnectionString is { Length: > 0 } connection
                    ? new SqliteConnectionStringBuilder(connection).DataSource
                    : dataDirectory.ControlDbPath;
                CopySqlite(DataDirectory.ControlDbFile, path, Path.Combine(staging, DataDirectory.ControlDbFile));
                controlStore = new BackupStore(ControlPlaneOptions.Sqlite, DataDirectory.ControlDbFile, null);
            }

            var warehouse = new List<BackupWarehouse>();
            foreach (var file in Directory.EnumerateFiles(dataDirectory.WarehouseDir, "*.duckdb").Order(StringComparer.Ordinal))
            {
                if (!long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var clientId))
                {
                    continue;
                }

                warehouse.Add(await CopyWarehouseAsync(clientId, file, Path.Combine(staging, DataDirectory.WarehouseFolder, Path.GetFileName(file)), cancellationToken));
            }

            if (Directory.Exists(dataDirectory.KeysPath))
            {
                Directory.CreateDirectory(Path.Combine(staging, DataDirectory.KeysFolder));
                foreach (var key in Directory.EnumerateFiles(dataDirectory.KeysPath))
                {
                    File.Copy(key, Path.Combine(staging, DataDirectory.KeysFolder, Path.GetFileName(key)));
                }
            }

            foreach (var secret in new[] { dataDirectory.AdminTokenPath, dataDirectory.AdminPasswordPath })
            {
                if (File.Exists(secret))
                {
                    File.Copy(secret, Path.Combine(staging, Path.GetFileName(secret)));
                }
            }

            var files = new List<BackupFile>();
            foreach (var file in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                files.Add(new BackupFile(Path.GetRelativePath(staging, file).Replace('\\', '/'), new FileInfo(file).Length, await HashAsync(file, cancellationToken)));
            }

            var manifest = new BackupManifest(
                BackupManifest.FormatName, BackupManifest.CurrentVersion, createdAt, dataDirectory.Root, controlStore, bufferStore, warehouse, files);
            await File.WriteAllTextAsync(Path.Combine(staging, BackupManifest.FileName), System.Text.Json.JsonSerializer.Serialize(manifest, BackupManifest.Json), cancellationToken);
            var snapshot = new BackupSnapshot(staging, manifest);
            BackupLog.Staged(logger, files.Count, snapshot.TotalBytes, clock.ElapsedMilliseconds);
            return snapshot;
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task<BackupWarehouse> CopyWarehouseAsync(long clientId, string file, string target, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyDictionary<long, long>? checkpoints = null;
        var inUse = false;
        try
        {
            if (await destinations.GetAsync(clientId, cancellationToken) is DuckDbDestination duck
                && string.Equals(duck.FilePath, Path.GetFullPath(file), StringComparison.Ordinal))
            {
                checkpoints = await duck.SnapshotToAsync(target, copied: null, cancellationToken);
                inUse = true;
            }
        }
        catch (InvalidOperationException)
        {
            // No DuckDB destination can be opened for the account here (several nodes): the file is not being written.
        }

        if (!inUse)
        {
            // The account loads into PostgreSQL now: nothing writes this file, it is copied as it is.
            File.Copy(file, target);
            if (File.Exists(file + ".wal"))
            {
                File.Copy(file + ".wal", target + ".wal");
            }
        }

        BackupLog.Copied(logger, "warehouse/" + Path.GetFileName(file), new FileInfo(target).Length, clock.ElapsedMilliseconds);
        var positions = (checkpoints ?? new Dictionary<long, long>()).OrderBy(c => c.Key).Select(c => new BackupSourcePosition(c.Key, c.Value)).ToList();
        return new BackupWarehouse(clientId, "warehouse/" + Path.GetFileName(file), inUse, positions);
    }

    private void CopySqlite(string store, string from, string to)
    {
        var clock = Stopwatch.StartNew();
        using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = from, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ConnectionString))
        using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = to, Pooling = false }.ConnectionString))
        {
            source.Open();
            target.Open();

            // One step: the whole file in one read transaction, the state of one moment while writers go on (WAL).
            source.BackupDatabase(target);
            using var command = target.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = DELETE";
            command.ExecuteNonQuery();
        }

        BackupLog.Copied(logger, store, new FileInfo(to).Length, clock.ElapsedMilliseconds);
    }

    private static List<BackupSourcePosition> ReadSequences(string bufferCopy)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = bufferCopy, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT source_id, last_sequence FROM source_sequences ORDER BY source_id";
        using var reader = command.ExecuteReader();
        var positions = new List<BackupSourcePosition>();
        while (reader.Read())
        {
            positions.Add(new BackupSourcePosition(reader.GetInt64(0), reader.GetInt64(1)));
        }

        return positions;
    }

    public static async Task<string> HashAsync(string file, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
