using Microsoft.Data.Sqlite;
using Sluice.Server.Hosting;

namespace Sluice.Server.Buffering;

/// <summary>
/// The SQLite file <c>buffer.db</c> that holds accepted, not yet loaded records (WAL, synchronous=FULL).
/// Tables: <c>record_blocks(source_id, last_sequence, first_sequence, records, bytes, first_received_at, last_received_at,
/// data_id)</c> keyed by (source_id, last_sequence), one row per commit and source whose records (<see cref="RecordBlock"/>:
/// each record's sequence, receive time and raw JSON) are the row <c>data_id</c> of <c>block_data(id, data)</c> (rows of an
/// earlier version hold them in <c>data</c>); and <c>source_sequences(source_id,
/// last_sequence)</c>, the high-water mark of every source's sequences, written in the same transaction as the records so
/// sequences keep increasing across restarts even when the clock steps back. Loaded records move (in the loader's delete
/// transaction) to <c>archived_blocks</c>, the same columns plus <c>archived_at</c>, pointing at the same <c>block_data</c> row
/// (only the small row moves), kept for <c>Buffer:Retention</c>;
/// <c>archive_sources(source_id, records, bytes)</c> totals them per source, updated in the same transactions, so the stats
/// need no scan. Receive and archive times are Unix epoch microseconds (UTC).
/// A file of an earlier version, with one row per record in <c>records</c>, is converted on first open.
/// </summary>
public sealed class BufferDatabase
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS record_blocks (
            source_id         INTEGER NOT NULL,
            last_sequence     INTEGER NOT NULL,
            first_sequence    INTEGER NOT NULL,
            records           INTEGER NOT NULL,
            bytes             INTEGER NOT NULL,
            first_received_at INTEGER NOT NULL,
            last_received_at  INTEGER NOT NULL,
            data              BLOB    NOT NULL,
            data_id           INTEGER,
            PRIMARY KEY (source_id, last_sequence)
        );
        CREATE TABLE IF NOT EXISTS block_data (
            id   INTEGER PRIMARY KEY,
            data BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS archived_blocks (
            source_id         INTEGER NOT NULL,
            last_sequence     INTEGER NOT NULL,
            first_sequence    INTEGER NOT NULL,
            records           INTEGER NOT NULL,
            bytes             INTEGER NOT NULL,
            first_received_at INTEGER NOT NULL,
            last_received_at  INTEGER NOT NULL,
            data              BLOB    NOT NULL,
            data_id           INTEGER,
            archived_at       INTEGER NOT NULL,
            PRIMARY KEY (source_id, last_sequence)
        );
        CREATE INDEX IF NOT EXISTS archived_blocks_by_archived_at ON archived_blocks (archived_at);
        CREATE TABLE IF NOT EXISTS archive_sources (
            source_id INTEGER PRIMARY KEY,
            records   INTEGER NOT NULL,
            bytes     INTEGER NOT NULL
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
            AddDataIdColumns(connection);
            ConvertRecordsTable(connection);
            _schemaReady = true;
        }
    }

    /// <summary>
    /// Files of an earlier version keep each block's bytes in its row: <c>data_id</c> is added (null for those rows, which
    /// read their <c>data</c> as before; see <see cref="RecordBlock.DataColumn"/>).
    /// </summary>
    private static void AddDataIdColumns(SqliteConnection connection)
    {
        foreach (var table in new[] { "record_blocks", "archived_blocks" })
        {
            using var columns = connection.CreateCommand();
            columns.CommandText = $"SELECT count(*) FROM pragma_table_info('{table}') WHERE name = 'data_id'";
            if (columns.ExecuteScalar() is long found && found == 0)
            {
                using var alter = connection.CreateCommand();
                alter.CommandText = $"ALTER TABLE {table} ADD COLUMN data_id INTEGER";
                alter.ExecuteNonQuery();
            }
        }
    }

    /// <summary>
    /// Moves the rows of an earlier version's <c>records</c> table (one per record) into blocks of one
    /// source (as the writer makes them: <see cref="RecordBlock.Builder.Full"/>), in one transaction, and drops it: nothing is lost if the
    /// process dies on the way (the next open does it again).
    /// </summary>
    private static void ConvertRecordsTable(SqliteConnection connection)
    {
        using (var exists = connection.CreateCommand())
        {
            exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'records'";
            if (exists.ExecuteScalar() is not long found || found == 0)
            {
                return;
            }
        }

        using var transaction = connection.BeginTransaction();
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT source_id, sequence, received_at, CAST(json AS BLOB) FROM records ORDER BY source_id, sequence";
        var db = connection.Handle!;
        using var insert = new RecordBlock.Inserter(db);
        var block = new RecordBlock.Builder();
        long blockSource = 0;
        void Flush()
        {
            if (block.Records > 0)
            {
                insert.Insert(blockSource, block);
            }
        }

        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                var sourceId = reader.GetInt64(0);
                if (block.Records > 0 && (sourceId != blockSource || block.Full))
                {
                    Flush();
                }

                blockSource = sourceId;
                block.Add(reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3));
            }
        }

        Flush();
        using (var drop = connection.CreateCommand())
        {
            drop.Transaction = transaction;
            drop.CommandText = "DROP TABLE records";
            drop.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
