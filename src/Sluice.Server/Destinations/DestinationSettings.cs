using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Sluice.Destinations.Postgres;

namespace Sluice.Server.Destinations;

/// <summary>
/// How a PostgreSQL destination's connection is stored in the control plane: host, port, username, database and sslmode in
/// clear, the password encrypted with ASP.NET Core Data Protection (keys in the data directory). The password is never
/// returned by the API; it has to be recoverable to connect, so it cannot be hashed like the other secrets.
/// </summary>
public sealed class DestinationSettings(IDataProtectionProvider protection)
{
    private const string ProtectedPasswordKey = "password_protected";
    private readonly IDataProtector _protector = protection.CreateProtector("Sluice.Destinations.Postgres.Password.v1");

    public string ToStoredJson(PostgresConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var json = new JsonObject
        {
            ["host"] = settings.Host,
            ["port"] = settings.Port,
            ["username"] = settings.Username,
            ["database"] = settings.Database,
            ["sslmode"] = settings.SslMode,
            [ProtectedPasswordKey] = _protector.Protect(settings.Password),
        };
        return json.ToJsonString();
    }

    public PostgresConnectionSettings FromStoredJson(string storedJson)
    {
        using var document = JsonDocument.Parse(storedJson);
        var root = document.RootElement;
        return new PostgresConnectionSettings(
            root.GetProperty("host").GetString() ?? string.Empty,
            root.GetProperty("port").GetInt32(),
            root.GetProperty("username").GetString() ?? string.Empty,
            _protector.Unprotect(root.GetProperty(ProtectedPasswordKey).GetString() ?? string.Empty),
            root.GetProperty("database").GetString() ?? string.Empty,
            root.GetProperty("sslmode").GetString() ?? "prefer");
    }

    /// <summary>The stored connection object as the API shows it: everything but the password.</summary>
    public static string PublicJson(string storedJson)
    {
        var node = JsonNode.Parse(storedJson)?.AsObject() ?? [];
        node.Remove(ProtectedPasswordKey);
        node.Remove("password");
        return node.ToJsonString();
    }
}
