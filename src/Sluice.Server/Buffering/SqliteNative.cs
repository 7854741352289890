using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Sluice.Server.Buffering;

/// <summary>The buffer's raw SQLite calls' error handling: a failed call throws the <see cref="SqliteException"/> Microsoft.Data.Sqlite would.</summary>
internal static class SqliteNative
{
    /// <summary>Throws for a failed <paramref name="rc"/> of a call on <paramref name="db"/>.</summary>
    public static void Check(sqlite3 db, int rc) => SqliteException.ThrowExceptionForRC(rc, db);

    /// <summary>Runs <paramref name="statement"/>, which returns no rows, and resets it for its next use.</summary>
    public static void Step(sqlite3 db, sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }
}
