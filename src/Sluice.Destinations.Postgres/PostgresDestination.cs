using Npgsql;
using NpgsqlTypes;
using Sluice.Core.Loading;
using Sluice.Core.Tables;
using static Sluice.Core.Loading.LoadSql;

namespace Sluice.Destinations.Postgres;

/// <summary>
/// A user's PostgreSQL database as the warehouse. Each load is one transaction: append-only writes go by binary COPY straight
/// into their table; keyed writes go by binary COPY into a TEMP table (ON COMMIT DROP) and then through
/// <see cref="LoadSql"/>'s upsert statements. Keyed tables get the constraint <c>&lt;table&gt;_pkey</c> with NOT NULL key columns.
/// Failures surface as <see cref="DestinationException"/> with a message that names the cause.
/// </summary>
public sealed partial class PostgresDestination : IDestination, IQueryableDestination
{
    private readonly PostgresConnectionSettings _settings;
    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _bookkeepingGate = new(1, 1);
    private volatile bool _bookkeepingReady;

    public PostgresDestination(PostgresConnectionSettings settings, TimeSpan? queryTimeout = null)
    {
        _settings = settings;
        QueryTimeout = queryTimeout ?? TimeSpan.FromSeconds(30);
        _dataSource = NpgsqlDataSource.Create(settings.ConnectionString());
    }

    public TimeSpan QueryTimeout { get; }

    /// <summary>The one-row table naming the account whose destination this database is (<see cref="ClaimAsync"/>).</summary>
    public const string OwnerTable = "_sluice_owner";

    public Task<long> GetCheckpointAsync(long sourceId, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT sequence FROM {Table(BookkeepingSchema, CheckpointsTable)} WHERE source_id = $1", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sourceId });
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long sequence ? sequence : 0L;
        }, cancellationToken);

    public Task<long> GetTableVersionAsync(long sourceId, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(SelectTableVersion(sourceId), connection);
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long version ? version : 0L;
        }, cancellationToken);

    public Task<IReadOnlyList<TableSchema>> GetTablesAsync(string schema, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
            (IReadOnlyList<TableSchema>)(await ReadTablesAsync(connection, schema, ct).ConfigureAwait(false)).Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToList(),
            cancellationToken);

    public Task CommitLoadAsync(LoadRequest load, CancellationToken cancellationToken) => CommitLoadAsync(LoadParts.Of(load), cancellationToken);

    public Task<LoadSummary> CommitLoadAsync(IAsyncEnumerable<LoadRequest> parts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return RunAsync(async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var copy = new OpenCopy(connection);
            Dictionary<string, TableSchema>? tables = null;
            var superseded = 0L;
            var load = await LoadParts.ApplyAsync(
                parts,
                async (part, first) =>
                {
                    if (part.Reload is { } reload)
                    {
                        superseded = await StartReloadAsync(connection, part, reload, ct).ConfigureAwait(false);
                    }

                    // A later part of a reload may add tables and columns: it goes the first part's way.
                    tables = await ApplyPartAsync(connection, copy, part, first || part.SchemaChanges.Count > 0 ? null : tables, ct).ConfigureAwait(false);
                },
                ct).ConfigureAwait(false);
            await copy.CompleteAsync(ct).ConfigureAwait(false);
            await FinishAsync(connection, load, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return load.Summary with { SupersededRejections = superseded };
        }, cancellationToken);
    }

    public Task<IReadOnlyList<LoadSummary>> GetLoadsAsync(long? sourceId, DateTime after, int limit, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT load_id, source_id, \"schema\", batched_at, min_sequence, max_sequence, max_received_at, tables::text " +
                $"FROM {Table(BookkeepingSchema, LoadsTable)} WHERE batched_at > $1 AND ($2::bigint IS NULL OR source_id = $2) " +
                "ORDER BY batched_at, load_id LIMIT $3",
                connection);
            command.Parameters.Add(new NpgsqlParameter { Value = PostgresTypes.Unspecified(after), NpgsqlDbType = NpgsqlDbType.Timestamp });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)sourceId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var loads = new List<LoadSummary>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                loads.Add(new LoadSummary(
                    reader.GetGuid(0),
                    reader.GetInt64(1),
                    reader.GetString(2),
                    DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc),
                    reader.GetInt64(4),
                    reader.GetInt64(5),
                    DateTime.SpecifyKind(reader.GetDateTime(6), DateTimeKind.Utc),
                    LoadSummaryJson.Deserialize(reader.GetString(7))));
            }

            return (IReadOnlyList<LoadSummary>)loads;
        }, cancellationToken);

    public async Task<QueryResult> QueryAsync(string sql, int maxRows, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await PostgresQueryRunner.RunAsync(connection, sql, maxRows, QueryTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException and not DestinationException)
        {
            throw Classify(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _bookkeepingGate.Dispose();
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
