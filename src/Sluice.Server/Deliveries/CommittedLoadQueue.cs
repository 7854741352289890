using System.Threading.Channels;
using Sluice.Core.Loading;
using Sluice.Server.Loading;
using Sluice.Server.Operations;

namespace Sluice.Server.Deliveries;

/// <summary>
/// The loader's fast path into the outbox: committed loads queue here and <see cref="HookOutboxWorker"/> turns them into
/// deliveries within milliseconds. Bounded and lossy on purpose: a dropped signal (or a crash) is caught by the outbox poll.
/// Each load carries the <c>traceparent</c> of the span it committed in (null when not traced), which its deliveries keep.
/// </summary>
public sealed class CommittedLoadQueue : ILoadCommittedSignal
{
    private readonly Channel<(long ClientId, LoadSummary Summary, string? TraceParent)> _channel = Channel.CreateBounded<(long, LoadSummary, string?)>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public ChannelReader<(long ClientId, LoadSummary Summary, string? TraceParent)> Reader => _channel.Reader;

    public void LoadCommitted(long clientId, LoadSummary summary) =>
        _channel.Writer.TryWrite((clientId, summary, SluiceTracing.TraceParent(SluiceTracing.CurrentContext())));
}
