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

/// <summary>
/// Root upsert, first statement: drop the staged rows that equal-or-newer existing rows beat. The destination keeps the
/// number it dropped per <paramref name="RootStage"/>: when none lost, <see cref="SubtableInsertStep"/> skips its staging.
/// </summary>
public sealed record DropLosingRootsStep(string RootStage, string Sql) : WriteStep;

/// <summary>
/// The rows of a subtable of an upsert root. Every one of them belongs to a root row staged in <paramref name="RootStage"/>
/// with the same sequence (the planner keeps only each key's newest record), so when no staged root row lost
/// (<see cref="DropLosingRootsStep"/> dropped none) they are bulk-inserted straight into <paramref name="Table"/>. Otherwise
/// they are staged into <paramref name="Stage"/> and <paramref name="InsertSql"/> inserts those whose root row won.
/// </summary>
public sealed record SubtableInsertStep(string Schema, TableSchema Table, TableWrite Write, string Stage, string RootStage, string InsertSql) : WriteStep;
