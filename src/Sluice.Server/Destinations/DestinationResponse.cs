using System.Text.Json;
using Sluice.Storage;

namespace Sluice.Server.Destinations;

/// <summary>The Connect destination object; <c>connection</c> is the stored connection settings object.</summary>
public sealed record DestinationResponse(long Id, string Type, string Name, JsonElement Connection, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static DestinationResponse From(Destination destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        // The stored password (encrypted) never leaves the server.
        using var connection = JsonDocument.Parse(DestinationSettings.PublicJson(destination.ConnectionJson));
        return new DestinationResponse(
            destination.Id, destination.Type, destination.Name, connection.RootElement.Clone(), destination.CreatedAt, destination.UpdatedAt);
    }
}
