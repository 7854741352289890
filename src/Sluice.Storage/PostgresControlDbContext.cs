using Microsoft.EntityFrameworkCore;

namespace Sluice.Storage;

/// <summary>The control plane on PostgreSQL (scale-out); owns the migrations in Migrations/Postgres.</summary>
public sealed class PostgresControlDbContext(DbContextOptions<PostgresControlDbContext> options) : ControlDbContext(options);
