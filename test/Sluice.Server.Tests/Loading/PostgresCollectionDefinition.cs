using Sluice.Testing;

namespace Sluice.Server.Tests.Loading;

/// <summary>This assembly's <see cref="Sluice.Testing.PostgresCollection"/>: one PostgreSQL server for its PostgreSQL tests; each test uses its own database.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollectionDefinition : PostgresCollection;
