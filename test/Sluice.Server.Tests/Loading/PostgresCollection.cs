using Sluice.Testing;

namespace Sluice.Server.Tests.Loading;

/// <summary>One real PostgreSQL server for the PostgreSQL tests of this assembly; each test uses its own database.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
