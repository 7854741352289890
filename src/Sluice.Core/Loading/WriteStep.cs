using Sluice.Core.Tables;

namespace Sluice.Core.Loading;

/// <summary>One step of applying a load's table writes (see <see cref="LoadSql.PlanWrites"/>); each destination runs them in order.</summary>
public abstract record WriteStep;

/// <summary>Bulk-insert the write's rows straight into <paramref name="Table"/> (append-only writes).</summary>
public sealed record BulkAppendStep(string Schema, TableSchema Table, TableWrite Write) : WriteStep;

/// <summary>Create the temporary table <paramref name="Stage"/> with the write's columns and bulk-insert its rows into it.</summary>
public sealed record StageStep(string Stage, TableWrite Write) : WriteStep;

/// <summary>Run this statement.</summary>
public sealed record SqlStep(string Sql) : WriteStep;
