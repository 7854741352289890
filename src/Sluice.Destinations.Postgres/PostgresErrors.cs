using System.Net.Sockets;
using Npgsql;
using Sluice.Core.Loading;

namespace Sluice.Destinations.Postgres;

/// <summary>Turns Npgsql failures into one message per cause: unreachable, bad credentials, missing database, permission, disk.</summary>
internal static class PostgresErrors
{
    public static DestinationException Classify(Exception error, PostgresConnectionSettings settings)
    {
        var where = settings.Where;
        if (Find<PostgresException>(error) is { } pg)
        {
            return pg.SqlState switch
            {
                "28P01" or "28000" => new(DestinationErrorKind.Authentication, $"{where}: the server refused the credentials of user \"{settings.Username}\" ({pg.MessageText})", error),
                "3D000" => new(DestinationErrorKind.DatabaseMissing, $"{where}: the database does not exist ({pg.MessageText})", error),
                "42501" => new(DestinationErrorKind.PermissionDenied, $"{where}: permission denied for user \"{settings.Username}\" ({pg.MessageText})", error),
                "53100" => new(DestinationErrorKind.DiskFull, $"{where}: the server's disk is full ({pg.MessageText})", error),
                var state when state.StartsWith("53", StringComparison.Ordinal) =>
                    new(DestinationErrorKind.DiskFull, $"{where}: the server is out of resources ({pg.MessageText})", error),
                var state when state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P", StringComparison.Ordinal) =>
                    new(DestinationErrorKind.Unreachable, $"{where}: the server is unavailable ({pg.MessageText})", error),
                _ => new(DestinationErrorKind.Other, $"{where}: {pg.MessageText} (SQLSTATE {pg.SqlState})", error),
            };
        }

        // Npgsql's own check, before the server is asked: the user needs a password (SCRAM, MD5) and the settings have none.
        if (Find<NpgsqlException>(error) is { } npgsql && npgsql.Message.StartsWith("No password has been provided", StringComparison.Ordinal))
        {
            return new(DestinationErrorKind.Authentication, $"{where}: the server asks for a password for user \"{settings.Username}\" and none was given", error);
        }

        if (Find<SocketException>(error) is { } socket)
        {
            var reason = socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                SocketError.TimedOut => "connection timed out",
                SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => "connection lost",
                _ => socket.Message,
            };
            return new(DestinationErrorKind.Unreachable, $"Cannot connect to {where}: {reason}", error);
        }

        if (Find<TimeoutException>(error) is not null)
        {
            return new(DestinationErrorKind.Unreachable, $"Cannot connect to {where}: connection timed out", error);
        }

        if (error is NpgsqlException or IOException or EndOfStreamException)
        {
            return new(DestinationErrorKind.Unreachable, $"Lost the connection to {where}: {error.Message}", error);
        }

        return new(DestinationErrorKind.Other, $"{where}: {error.Message}", error);
    }

    private static T? Find<T>(Exception? error)
        where T : Exception
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is T found)
            {
                return found;
            }
        }

        return null;
    }
}
