using System.Diagnostics;

namespace Sluice.Server.Operations;

/// <summary>
/// Sluice's spans (activity source <see cref="SourceName"/>), a record's way through the server: the ingest request (ASP.NET
/// Core's span, tagged here), the group commit that made it durable (linked to every request it served), each load with its
/// parts and its destination transaction, and each post-load hook attempt as a child of the load that made the delivery.
/// Exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (<see cref="OperationsExtensions"/>); otherwise nothing
/// listens, <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and each call here costs a check.
/// </summary>
public static class SluiceTracing
{
    public const string SourceName = "Sluice";

    /// <summary>Span names, so tests and dashboards spell them one way.</summary>
    public const string BufferCommit = "sluice.buffer.commit";
    public const string BufferPublish = "sluice.buffer.publish";
    public const string Load = "sluice.load";
    public const string Reload = "sluice.reload";
    public const string LoadPart = "sluice.load.part";
    public const string LoadTransaction = "sluice.load.transaction";
    public const string HookAttempt = "sluice.hook.attempt";

    /// <summary>The most requests one commit span links to (OpenTelemetry's default limit of links per span).</summary>
    private const int MaxLinks = 128;

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current span's context, to carry to work that runs later or elsewhere (default when none is recorded).</summary>
    public static ActivityContext CurrentContext() => Activity.Current is { Recorded: true } current ? current.Context : default;

    /// <summary>
    /// A group commit: one span on the writer thread, linked to the span of each request whose records it commits (at most
    /// <see cref="MaxLinks"/>), so a request's trace leads to the fsync it waited for and the commit to the requests it served.
    /// </summary>
    internal static Activity? StartCommit(IReadOnlyList<Buffering.PendingAppend> requests)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        List<ActivityLink>? links = null;
        foreach (var request in requests)
        {
            if (request.Trace != default && (links ??= []).Count < MaxLinks)
            {
                links.Add(new ActivityLink(request.Trace));
            }
        }

        // A root of its own: the writer thread has no ambient span, and a commit belongs to no one request.
        return Source.StartActivity(BufferCommit, ActivityKind.Internal, parentContext: default, tags: null, links: links);
    }

    /// <summary>
    /// The W3C <c>traceparent</c> of <paramref name="context"/>, to store with what runs later (a delivery), or null when
    /// it is not a recorded span.
    /// </summary>
    public static string? TraceParent(ActivityContext context)
    {
        if (context == default || (context.TraceFlags & ActivityTraceFlags.Recorded) == 0)
        {
            return null;
        }

        return $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-01";
    }

    /// <summary>
    /// A hook attempt, as a child of the load span stored with its delivery (<paramref name="traceParent"/>), or a root of its
    /// own when the delivery has none (tracing was off at the load, the outbox poll found it, or a replay of such a one).
    /// </summary>
    internal static Activity? StartHookAttempt(string? traceParent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var parent = traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : default;
        return Source.StartActivity(HookAttempt, ActivityKind.Internal, parent);
    }

    /// <summary>Marks <paramref name="activity"/> failed with <paramref name="description"/>.</summary>
    internal static void Failed(this Activity? activity, string description) => activity?.SetStatus(ActivityStatusCode.Error, description);

    /// <summary>Marks <paramref name="activity"/> failed with <paramref name="exception"/>'s message and type.</summary>
    internal static void Failed(this Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag("exception.type", exception.GetType().FullName);
        activity.SetTag("exception.message", exception.Message);
    }
}
