using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Sluice.Storage;

/// <summary>Lets <c>dotnet ef migrations add ... --context SqliteControlDbContext</c> build the context without a host.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteControlDbContext>
{
    public SqliteControlDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteControlDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>Lets <c>dotnet ef migrations add ... --context PostgresControlDbContext</c> build the context without a server.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresControlDbContext>
{
    public PostgresControlDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresControlDbContext>().UseNpgsql("Host=localhost;Database=sluice_design").Options);
}
