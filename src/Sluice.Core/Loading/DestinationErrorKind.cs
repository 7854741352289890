namespace Sluice.Core.Loading;

/// <summary>Why a destination could not be used; lets the loader and the UI say what to fix.</summary>
public enum DestinationErrorKind
{
    /// <summary>The server cannot be reached (refused, timed out, shutting down) or the file is held elsewhere.</summary>
    Unreachable,

    /// <summary>The credentials were refused.</summary>
    Authentication,

    /// <summary>The database does not exist.</summary>
    DatabaseMissing,

    /// <summary>The user may not create or write what the load needs.</summary>
    PermissionDenied,

    /// <summary>The disk or the server ran out of space or resources.</summary>
    DiskFull,

    /// <summary>Any other failure of the load itself (a bug or an unexpected state of the warehouse).</summary>
    Other,
}
