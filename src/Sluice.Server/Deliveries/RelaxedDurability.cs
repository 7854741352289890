using Microsoft.EntityFrameworkCore;
using Sluice.Storage;

namespace Sluice.Server.Deliveries;

/// <summary>
/// Commits of the hook outbox and the dispatcher on a SQLite control plane with <c>PRAGMA synchronous=NORMAL</c>, put back
/// to its previous value before the pooled connection is reused. In WAL mode such a commit is still atomic and survives a
/// process crash (SIGKILL); only a power cut can lose the last ones. For these writes that costs a repeat, never a loss:
/// lost deliveries are re-created by the outbox poll (its cursor is in the same transaction), lost claims and outcomes make
/// an attempt happen again with the same <c>webhook-id</c>. What it buys: hook rounds no longer wait for an fsync on a busy
/// disk, which held up every hook for as long (p99 lateness of seconds in bench/hooks). A no-op on PostgreSQL.
/// </summary>
internal sealed class RelaxedDurability : IAsyncDisposable
{
    private readonly ControlDbContext? _db;
    private readonly string _previous = "2";

    private RelaxedDurability(ControlDbContext? db, string previous)
    {
        _db = db;
        _previous = previous;
    }

    public static async Task<RelaxedDurability> BeginAsync(ControlDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.IsPostgres)
        {
            return new RelaxedDurability(null, string.Empty);
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA synchronous;";
        var previous = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        command.CommandText = "PRAGMA synchronous = NORMAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new RelaxedDurability(db, previous is { Length: > 0 } p && p.All(char.IsAsciiDigit) ? p : "2");
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is null)
        {
            return;
        }

        await using var command = _db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA synchronous = {_previous};";
        await command.ExecuteNonQueryAsync();
        await _db.Database.CloseConnectionAsync();
    }
}
