using Microsoft.Data.Sqlite;
using Sluice.Server.Hosting;

namespace Sluice.Server.Buffering;

/// <summary>
/// The SQLite file <c>buffer.db</c> that holds accepted, not yet loaded records (WAL, synchronous=FULL).
/// Tables: <c>records(source_id, sequence, received_at, json)</c> keyed by (source_id, sequence), and
/// <c>source_sequences(source_id, last_sequence)</c>, the high-water mark of every source's sequences, written in the same
/// transaction as the records so sequences keep increasing across restarts even when the clock steps back.
/// <c>received_at</c> is stored as Unix epoch microseconds (UTC).
/// </summary>
public sealed class BufferDatabase
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS records (
            source_id   INTEGER NOT NULL,
            sequence    INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            json        TEXT    NOT NULL,
            PRIMARY KEY (source_id, sequence)
        );
        CREATE TABLE IF NOT EXISTS source_sequences (
            source_id     INTEGER PRIMARY KEY,
            last_sequence INTEGER NOT NULL
        );
        """;

    private readonly string _connectionString;
    private readonly Lock _schemaLock = new();
    private volatile bool _schemaReady;

    public BufferDatabase(DataDirectory dataDirectory)
        : this(dataDirectory.BufferDbPath)
    {
    }

    public BufferDatabase(string path)
    {
        FilePath = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string FilePath { get; }

    /// <summary>Opens a connection with synchronous=FULL (a per-connection setting), creating the schema on first use.</summary>
    public SqliteConnection Open()
    {
        EnsureSchema();
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = FULL;";
        command.ExecuteNonQuery();
        return connection;
    }

    private void EnsureSchema()
    {
        if (_schemaReady)
        {
            return;
        }

        lock (_schemaLock)
        {
            if (_schemaReady)
            {
                return;
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(FilePath));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = Schema;
            command.ExecuteNonQuery();
            _schemaReady = true;
        }
    }
}
