using Sluice.Core.Loading;

namespace Sluice.Destinations.DuckDb;

/// <summary>Turns DuckDB and file-system failures into messages a user can act on.</summary>
internal static class DuckDbErrors
{
    public static DestinationException Classify(Exception error, string path)
    {
        var message = error.Message;
        var kind = message switch
        {
            _ when Contains(message, "No space left on device") || Contains(message, "disk is full") => DestinationErrorKind.DiskFull,
            _ when Contains(message, "Permission denied") || error is UnauthorizedAccessException => DestinationErrorKind.PermissionDenied,
            _ when Contains(message, "Could not set lock on file") || Contains(message, "Conflicting lock") => DestinationErrorKind.Unreachable,
            _ => DestinationErrorKind.Other,
        };
        if (kind == DestinationErrorKind.Other && IsOutOfMemory(message) && Contains(message, "FATAL"))
        {
            // A FATAL error invalidates the database instance (e.g. a checkpoint that ran out of memory): it is out of
            // resources, not a load too large, and no smaller load or rejected record helps.
            return new DestinationException(
                DestinationErrorKind.DiskFull,
                $"DuckDB file {path}: DuckDB ran out of memory (memory_limit, Loading:DuckDbMemoryLimit) outside a load and must be reopened ({FirstLine(message)})",
                error);
        }

        if (kind == DestinationErrorKind.Other && IsOutOfMemory(message))
        {
            // What the load holds: a smaller load may fit (the loader splits it), so it stays a failure of the load itself.
            return new DestinationException(
                kind, $"DuckDB file {path}: the load needs more memory than DuckDB's memory_limit (Loading:DuckDbMemoryLimit) allows ({FirstLine(message)})", error);
        }

        var text = kind switch
        {
            DestinationErrorKind.DiskFull => $"DuckDB file {path}: the disk is full ({FirstLine(message)})",
            DestinationErrorKind.PermissionDenied => $"DuckDB file {path}: permission denied ({FirstLine(message)})",
            DestinationErrorKind.Unreachable => $"DuckDB file {path} is held by another process; only one Sluice server may open it ({FirstLine(message)})",
            _ => $"DuckDB file {path}: {FirstLine(message)}",
        };
        return new DestinationException(kind, text, error);
    }

    private static bool IsOutOfMemory(string message) =>
        Contains(message, "could not allocate block") || Contains(message, "failed to pin block") || Contains(message, "Out of Memory Error");

    private static bool Contains(string message, string part) => message.Contains(part, StringComparison.OrdinalIgnoreCase);

    private static string FirstLine(string message)
    {
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? message : message[..end]).Trim();
    }
}
