using System.Runtime.InteropServices;
using DuckDB.NET.Native;

namespace Sluice.Destinations.DuckDb;

/// <summary>The one C API call DuckDB.NET does not wrap: the type of a prepared statement, decided by DuckDB's own parser.</summary>
internal static class DuckDbNative
{
    [DllImport("duckdb", EntryPoint = "duckdb_prepared_statement_type", CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern StatementKind PreparedStatementType(DuckDBPreparedStatement statement);

    /// <summary>
    /// <c>duckdb_statement_type</c> as duckdb.h numbers it. DuckDB.NET's own enum has an extra member (Show) and is off by one
    /// from Vacuum on, so it would misname ATTACH and others.
    /// </summary>
    public enum StatementKind
    {
        Invalid = 0,
        Select = 1,
        Insert = 2,
        Update = 3,
        Explain = 4,
        Delete = 5,
        Prepare = 6,
        Create = 7,
        Execute = 8,
        Alter = 9,
        Transaction = 10,
        Copy = 11,
        Analyze = 12,
        VariableSet = 13,
        CreateFunc = 14,
        Drop = 15,
        Export = 16,
        Pragma = 17,
        Vacuum = 18,
        Call = 19,
        Set = 20,
        Load = 21,
        Relation = 22,
        Extension = 23,
        LogicalPlan = 24,
        Attach = 25,
        Detach = 26,
        Multi = 27,
    }
}
