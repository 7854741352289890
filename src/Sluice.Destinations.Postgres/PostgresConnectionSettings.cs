using System.Text;
using Npgsql;

namespace Sluice.Destinations.Postgres;

/// <summary>
/// Where a PostgreSQL destination lives, as given to <c>POST /v4/destinations</c>. <see cref="SslMode"/> takes libpq's
/// spellings: disable, allow, prefer, require, verify-ca, verify-full. The password never appears in <see cref="ToString"/>.
/// </summary>
public sealed record PostgresConnectionSettings(string Host, int Port, string Username, string Password, string Database, string SslMode = "prefer")
{
    public static readonly IReadOnlyList<string> SslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

    public string ConnectionString(bool pooling = true) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = Username,
        Password = Password,
        Database = Database,
        SslMode = ParseSslMode(SslMode),
        Pooling = pooling,
        Timeout = 10,
        CommandTimeout = 600,
        ApplicationName = "sluice",
    }.ConnectionString;

    /// <summary>"db.example.com:5432/warehouse" for messages.</summary>
    public string Where => $"PostgreSQL at {Host}:{Port}, database \"{Database}\"";

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Host = {Host}, Port = {Port}, Username = {Username}, Password = ***, Database = {Database}, SslMode = {SslMode}");
        return true;
    }

    private static Npgsql.SslMode ParseSslMode(string mode) => mode.ToLowerInvariant() switch
    {
        "disable" => Npgsql.SslMode.Disable,
        "allow" => Npgsql.SslMode.Allow,
        "prefer" => Npgsql.SslMode.Prefer,
        "require" => Npgsql.SslMode.Require,
        "verify-ca" => Npgsql.SslMode.VerifyCA,
        "verify-full" => Npgsql.SslMode.VerifyFull,
        _ => throw new ArgumentException($"sslmode \"{mode}\" is not one of {string.Join(", ", SslModes)}.", nameof(mode)),
    };
}
