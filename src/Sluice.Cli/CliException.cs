namespace Sluice.Cli;

/// <summary>A failure the user can act on. Its message is printed as one line after <c>error: </c>.</summary>
public sealed class CliException : Exception
{
    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CliException()
    {
    }
}
