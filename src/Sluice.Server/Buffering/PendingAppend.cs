using System.Diagnostics;
using Sluice.Core.Buffering;

namespace Sluice.Server.Buffering;

/// <summary>
/// One request's records waiting for a commit, with the request headers they keep (null: none) and the request's span
/// (default when it is not traced), which the commit's span links to.
/// </summary>
internal sealed class PendingAppend(long sourceId, Utf8Records records, IReadOnlyDictionary<string, string>? headers, DateTimeOffset receivedAt, ActivityContext trace = default)
{
    public ActivityContext Trace { get; } = trace;

    public long SourceId { get; } = sourceId;

    public Utf8Records Records { get; } = records;

    public IReadOnlyDictionary<string, string>? Headers { get; } = headers;

    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    /// <summary>Continuations run on the thread pool, never on the writer thread, which goes straight back to the next commit.</summary>
    public TaskCompletionSource<AppendOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
