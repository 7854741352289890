namespace Sluice.Server.Destinations;

/// <summary>Turns a destination failure into the one line a user reads on the source and in the notification.</summary>
public static class DestinationErrors
{
    public static string Describe(Exception exception)
    {
        var inner = exception;
        while (inner is AggregateException { InnerException: { } next })
        {
            inner = next;
        }

        return inner.Message.ReplaceLineEndings(" ").Trim();
    }
}
