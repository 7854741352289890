using System.Runtime.InteropServices;
using DuckDB.NET.Native;

namespace Sluice.Destinations.DuckDb;

/// <summary>The one C API call DuckDB.NET does not wrap: the type of a prepared statement, decided by DuckDB's own parser.</summary>
internal static class DuckDbNative
{
    [DllImport("duckdb", EntryPoint = "duckdb_prepared_statement_type", CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern DuckDBStatementType PreparedStatementType(DuckDBPreparedStatement statement);
}
