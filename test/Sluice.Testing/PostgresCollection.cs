using Xunit;

namespace Sluice.Testing;

/// <summary>
/// One real PostgreSQL server shared by every test class of an assembly that joins the collection <see cref="Name"/>; each class
/// makes its own database with <see cref="PostgresServer.CreateDatabaseAsync"/>. xunit finds collection definitions only in the
/// test assembly itself, so each assembly declares a one-line subclass:
/// <code>[CollectionDefinition(PostgresCollection.Name)] public sealed class PostgresCollectionDefinition : PostgresCollection;</code>
/// </summary>
public abstract class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
