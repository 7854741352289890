using System.Threading.Channels;
using Sluice.Core.Loading;
using Sluice.Server.Loading;

namespace Sluice.Server.Hooks;

/// <summary>
/// The loader's fast path into the outbox: committed loads queue here and <see cref="HookOutboxWorker"/> turns them into
/// deliveries within milliseconds. Bounded and lossy on purpose: a dropped signal (or a crash) is caught by the outbox poll.
/// </summary>
public sealed class HookOutboxSignal : ILoadCommittedSignal
{
    private readonly Channel<(long ClientId, LoadSummary Summary)> _channel = Channel.CreateBounded<(long, LoadSummary)>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public ChannelReader<(long ClientId, LoadSummary Summary)> Reader => _channel.Reader;

    public void LoadCommitted(long clientId, LoadSummary summary) => _channel.Writer.TryWrite((clientId, summary));
}
