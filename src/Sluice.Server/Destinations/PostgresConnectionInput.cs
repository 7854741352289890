using System.Globalization;
using System.Text.Json;
using Sluice.Destinations.Postgres;

namespace Sluice.Server.Destinations;

/// <summary>
/// Reads the <c>connection</c> object of <c>POST/PUT /v4/destinations</c> for PostgreSQL, field by field, so each mistake
/// names the field and what is allowed. On PUT, missing fields keep their current values (the password too).
/// </summary>
public static class PostgresConnectionInput
{
    private static readonly string[] Fields = ["host", "port", "username", "password", "database", "sslmode"];

    public static (PostgresConnectionSettings? Settings, string? Error) Read(JsonElement connection, PostgresConnectionSettings? current)
    {
        foreach (var property in connection.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.Ordinal))
            {
                return (null, $"Unknown field 'connection.{property.Name}'; allowed fields: {string.Join(", ", Fields)}.");
            }
        }

        if (!TryString(connection, "host", current?.Host, out var host, out var error)
            || !TryString(connection, "username", current?.Username, out var username, out error)
            || !TryString(connection, "password", current?.Password, out var password, out error)
            || !TryString(connection, "database", current?.Database, out var database, out error)
            || !TryString(connection, "sslmode", current?.SslMode ?? "prefer", out var sslMode, out error))
        {
            return (null, error);
        }

        var port = current?.Port ?? 5432;
        if (connection.TryGetProperty("port", out var portElement) && portElement.ValueKind != JsonValueKind.Null)
        {
            var parsed = portElement.ValueKind switch
            {
                JsonValueKind.Number when portElement.TryGetInt32(out var n) => n,
                JsonValueKind.String when int.TryParse(portElement.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
                _ => -1,
            };
            if (parsed is < 1 or > 65535)
            {
                return (null, "Field 'connection.port' must be a port number from 1 to 65535.");
            }

            port = parsed;
        }

        if (string.IsNullOrWhiteSpace(host))
        {
            return (null, "Field 'connection.host' is required: the PostgreSQL server's host name or IP address.");
        }

        if (string.IsNullOrWhiteSpace(username))
        {
            return (null, "Field 'connection.username' is required.");
        }

        if (string.IsNullOrWhiteSpace(database))
        {
            return (null, "Field 'connection.database' is required: the database Sluice loads into.");
        }

        if (!PostgresConnectionSettings.SslModes.Contains(sslMode!.ToLowerInvariant()))
        {
            return (null, $"Field 'connection.sslmode' must be one of {string.Join(", ", PostgresConnectionSettings.SslModes)}; got '{sslMode}'.");
        }

        return (new PostgresConnectionSettings(host.Trim(), port, username, password ?? string.Empty, database, sslMode.ToLowerInvariant()), null);
    }

    private static bool TryString(JsonElement parent, string name, string? fallback, out string? value, out string? error)
    {
        value = fallback;
        error = null;
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"Field 'connection.{name}' must be a string.";
            return false;
        }

        value = element.GetString();
        return true;
    }
}
