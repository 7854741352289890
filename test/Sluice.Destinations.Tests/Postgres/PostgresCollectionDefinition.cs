using Sluice.Testing;

namespace Sluice.Destinations.Tests.Postgres;

/// <summary>This assembly's <see cref="Sluice.Testing.PostgresCollection"/>: one PostgreSQL server for every PostgreSQL test class.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollectionDefinition : PostgresCollection;
