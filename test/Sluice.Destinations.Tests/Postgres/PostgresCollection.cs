using Sluice.Testing;

namespace Sluice.Destinations.Tests.Postgres;

/// <summary>One real PostgreSQL server for every PostgreSQL test class of this assembly.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
