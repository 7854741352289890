namespace Sluice.Core.Loading;

/// <summary>
/// A destination failure classified for people: <see cref="Exception.Message"/> says what went wrong and where
/// (e.g. "Cannot connect to PostgreSQL at db:5432: connection refused"), ready to show as a source's last load error.
/// </summary>
public sealed class DestinationException : Exception
{
    public DestinationException(DestinationErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public DestinationException()
        : this(DestinationErrorKind.Other, "The destination failed.")
    {
    }

    public DestinationException(string message)
        : this(DestinationErrorKind.Other, message)
    {
    }

    public DestinationException(string message, Exception innerException)
        : this(DestinationErrorKind.Other, message, innerException)
    {
    }

    public DestinationErrorKind Kind { get; }
}
