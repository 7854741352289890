using Microsoft.EntityFrameworkCore;

namespace Sluice.Storage;

/// <summary>The control plane on SQLite (the embedded default); owns the migrations in Migrations/Sqlite.</summary>
public sealed class SqliteControlDbContext(DbContextOptions<SqliteControlDbContext> options) : ControlDbContext(options);
